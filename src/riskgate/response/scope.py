"""What the rapid-response modules share: who sees an enterprise's cases, and how their writes are audited."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from riskgate.core import audit
from riskgate.core.permissions import Permission


def concerned(principal, model, *, institutions: bool = False) -> QuerySet:
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


def record(principal, obj, action: str, changes: dict | None = None, reason: str = "") -> None:
    """One audit event of a case (`action` like "recall.published"), in the case's jurisdiction."""
    audit.record(actor=principal, action=action, obj=obj, object_repr=obj.reference, changes=changes or {},
                 reason=reason, organisation_id=obj.organisation_id)  # fmt: skip
