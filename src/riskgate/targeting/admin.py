"""Port-control reference data in the admin: which organisation works each port code (every change audited)."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import PortOffice


@admin.register(PortOffice, site=admin_site)
class PortOfficeAdmin(AuditedAdmin):
    list_display = ["code", "organisation"]
    search_fields = ["code", "organisation__name"]
