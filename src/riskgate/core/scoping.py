"""Jurisdiction scoping: the one place that decides which rows a user or API client may read.

A confidential model uses `ScopedQuerySet` and names, in `scope_organisation_field`, the path to the
organisation that owns each row (empty for the Organisation model itself) and, optionally, in
`scope_assignee_field`, the path to the users a row is assigned to. Views and the API read such a
model only through `Model.objects.visible_to(principal)`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .principal import Principal


class ScopeMode(models.TextChoices):
    ALL = "all", _("全国（不限辖区）")
    SUBTREE = "subtree", _("本机构及其下级机构")
    OWN_ORGANISATION = "own_organisation", _("仅本机构")
    ASSIGNED = "assigned", _("仅分配给本人的事项")


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, principal: Principal) -> models.QuerySet:
        if principal is None or not getattr(principal, "is_authenticated", False):
            return self.none()
        mode = principal.scope_mode
        if mode == ScopeMode.ALL:
            return self.all()
        organisation = principal.organisation
        org_field = getattr(self.model, "scope_organisation_field", None)
        if mode == ScopeMode.ASSIGNED:
            assignee_field = getattr(self.model, "scope_assignee_field", None)
            if assignee_field and principal.pk is not None:
                return self.filter(**{assignee_field: principal.pk}).distinct()
            mode = ScopeMode.OWN_ORGANISATION  # nothing assignable: only the assessor's own organisation
        if organisation is None or org_field is None:
            return self.none()
        prefix = f"{org_field}__" if org_field else ""
        if mode == ScopeMode.SUBTREE:
            return self.filter(**{f"{prefix}path__startswith": organisation.path})
        if mode == ScopeMode.OWN_ORGANISATION:
            return self.filter(**{f"{prefix}pk": organisation.pk})
        return self.none()
