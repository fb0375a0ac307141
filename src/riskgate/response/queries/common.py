"""Who sees an enterprise's cases (measures aside): authorities, the enterprise itself, the evaluating institution."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal


def concerned(principal: Principal, model, *, institutions: bool = False) -> QuerySet:
    """Cases of `model` (with `enterprise` and, when `institutions`, an evaluating `institution`): authorities
    see their jurisdiction, an enterprise its own, an institution those it evaluates; anyone else is refused."""
    organisation = getattr(principal, "organisation", None)
    allowed = Q(pk__in=[])
    if principal.has_permission(Permission.RESPONSE_MEASURE_VIEW):
        allowed |= Q(pk__in=model.objects.visible_to(principal).values("pk"))
    if organisation is not None and principal.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL):
        allowed |= Q(enterprise=organisation)
    if institutions and organisation is not None and principal.has_permission(Permission.RESPONSE_OBLIGATION_EVALUATE):
        allowed |= Q(institution=organisation)
    if allowed == Q(pk__in=[]):
        raise PermissionDenied
    return model.objects.filter(allowed)


def decides(principal: Principal, case) -> bool:
    """True when the case (a measure, obligation or recall) was decided in the principal's jurisdiction: the
    authority that may lift it, check it or supervise it (executing units and parties see it without this)."""
    return type(case).objects.visible_to(principal).filter(pk=case.pk).exists()
