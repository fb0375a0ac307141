"""The measures catalogue and the time windows of rapid response in the admin (reference data: every change
audited)."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import MeasureKind, ResponseLimit


@admin.register(MeasureKind, site=admin_site)
class MeasureKindAdmin(AuditedAdmin):
    list_display = ["order", "code", "name", "mandatory", "binds", "creates_control_rules", "rule_action", "active"]
    list_filter = ["active", "binds"]
    ordering = ["order"]

    def has_delete_permission(self, request, obj=None):
        return False  # a kind that measures were ordered under is deactivated, not deleted


@admin.register(ResponseLimit, site=admin_site)
class ResponseLimitAdmin(AuditedAdmin):
    list_display = ["kind", "hours"]

    def has_delete_permission(self, request, obj=None):
        return False  # without its row a window falls back to its default: change the hours instead
