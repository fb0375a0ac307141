"""The quality-safety level index's inputs are reference data: their weights and limits are changed here, audited."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import IndexInput


@admin.register(IndexInput, site=admin_site)
class IndexInputAdmin(AuditedAdmin):
    list_display = ["key", "weight", "limit"]
    list_editable = ["weight", "limit"]

    def has_add_permission(self, request):
        return False  # the inputs are the measured ones (quality.py); a new key would have nothing to measure

    def has_delete_permission(self, request, obj=None):
        return False  # an input is switched off with a weight of 0, so its default does not come back
