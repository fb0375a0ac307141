"""Credit reference data in the admin, audited: the event types and their effects (a change reaches every grade at
the next recomputation: nightly, or `manage.py recompute_credit_grades`)."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import EventType, ListCriterion, ShareScope


@admin.register(EventType, site=admin_site)
class EventTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "points", "half_life_days", "lasts_days", "ceiling", "certifies"]
    list_filter = ["certifies", "ceiling"]
    audit_fields = ["code", "name", "name_en", "points", "half_life_days", "lasts_days", "ceiling", "certifies", "cap"]

    def has_delete_permission(self, request, obj=None):
        return False  # events of a type are recorded by every module: a type is changed (or its points set to 0)


@admin.register(ListCriterion, site=admin_site)
class ListCriterionAdmin(AuditedAdmin):
    """The lists' entry criteria (a change applies to the next proposals; entries keep the facts they met)."""

    list_display = ["code", "kind", "name", "min_count", "within_days", "grade", "duration_days", "active"]
    list_filter = ["kind", "active"]
    audit_fields = [
        "code", "kind", "name", "name_en", "event_kinds", "min_count", "within_days", "grade", "clean_days",
        "duration_days", "active",
    ]  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False  # entries cite their criterion: deactivate it instead


@admin.register(ShareScope, site=admin_site)
class ShareScopeAdmin(AuditedAdmin):
    """What each partner agency pulls for joint punishment: grade changes and/or lists."""

    list_display = ["organisation", "grades", "lists", "active", "valid_until"]
    list_filter = ["active", "grades"]
    audit_fields = ["organisation", "grades", "lists", "active", "valid_until"]
