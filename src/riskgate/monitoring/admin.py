"""Monitoring reference data in the admin, audited: detection profiles (which series are judged, how, by whom),
monitoring points and inspectors' ties."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import DetectionProfile, InspectorTie, MonitoringPoint


@admin.register(DetectionProfile, site=admin_site)
class DetectionProfileAdmin(AuditedAdmin):
    list_display = ["code", "name", "method", "min_cases", "active"]
    list_filter = ["active", "method"]
    audit_fields = ["code", "name", "dimensions", "source_systems", "method", "parameters", "min_cases", "active"]


@admin.register(MonitoringPoint, site=admin_site)
class MonitoringPointAdmin(AuditedAdmin):
    """The monitoring points: level, commodities and countries watched (the region is the organisation's)."""

    list_display = ["organisation", "level", "active"]
    list_filter = ["level", "active"]
    audit_fields = ["organisation", "level", "hs_codes", "countries", "note", "active"]


@admin.register(InspectorTie, site=admin_site)
class InspectorTieAdmin(AuditedAdmin):
    """Declared interests and past postings: a draw never sends the inspector to the enterprise."""

    list_display = ["inspector", "enterprise", "kind"]
    list_filter = ["kind"]
    audit_fields = ["inspector", "enterprise", "kind", "note"]
