"""Detection profiles in the admin (reference data: which series are judged, how, and by whom; audited)."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import DetectionProfile


@admin.register(DetectionProfile, site=admin_site)
class DetectionProfileAdmin(AuditedAdmin):
    list_display = ["code", "name", "method", "min_cases", "active"]
    list_filter = ["active", "method"]
    audit_fields = ["code", "name", "dimensions", "source_systems", "method", "parameters", "min_cases", "active"]
