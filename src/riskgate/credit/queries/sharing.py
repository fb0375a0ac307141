"""Reads of sharing: a partner agency's scope and what it receives after a cursor."""

from django.db.models import Q
from django.utils import timezone

from riskgate.core.principal import Principal

from ..models import ShareKind, ShareLog, ShareScope


def scope_of(principal: Principal) -> ShareScope | None:
    """The caller's organisation's sharing scope, if active and valid today."""
    organisation_id = getattr(principal, "organisation_id", None)
    scope = ShareScope.objects.filter(organisation_id=organisation_id, active=True).first()
    if scope is None or (scope.valid_until and scope.valid_until < timezone.localdate()):
        return None
    return scope


def shared_after(scope: ShareScope, after: int, limit: int) -> list[ShareLog]:
    """What the scope shares after the cursor, oldest first."""
    shared = Q(pk__in=[])
    if scope.grades:
        shared |= Q(kind=ShareKind.GRADE)
    if scope.lists:
        shared |= Q(kind=ShareKind.LIST, record__list__in=list(scope.lists))
    return list(ShareLog.objects.filter(shared, pk__gt=after).order_by("pk")[:limit])
