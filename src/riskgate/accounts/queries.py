"""Reads of organisations shared by the pages and the API (always scoped to the principal)."""

from django.db.models import Q, QuerySet

from .models import Organisation, OrganisationKind


def organisations(principal, *, kind: str | None = None, q: str | None = None) -> QuerySet[Organisation]:
    """Organisations the principal may read, optionally of one kind and matching a name or code."""
    orgs = Organisation.objects.visible_to(principal)
    if kind in OrganisationKind.values:
        orgs = orgs.filter(kind=kind)
    q = (q or "").strip()
    if q:
        orgs = orgs.filter(
            Q(name__icontains=q) | Q(name_en__icontains=q) | Q(uscc=q.upper()) | Q(customs_code=q.upper())
        )
    return orgs
