"""Credit reference data in the admin, audited: the event types and their effects (a change reaches every grade at
the next recomputation: nightly, or `manage.py recompute_credit_grades`)."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import EventType


@admin.register(EventType, site=admin_site)
class EventTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "points", "half_life_days", "lasts_days", "ceiling", "certifies"]
    list_filter = ["certifies", "ceiling"]
    audit_fields = ["code", "name", "name_en", "points", "half_life_days", "lasts_days", "ceiling", "certifies", "cap"]

    def has_delete_permission(self, request, obj=None):
        return False  # events of a type are recorded by every module: a type is changed (or its points set to 0)
