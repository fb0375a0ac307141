"""What concerns an enterprise (R-USE-1): the results of the port inspections of its own declared goods (outcome,
findings, laboratory results — never the control rules or why it was selected, which stay confidential) and the
conclusions of the confirmed assessments behind warnings and obligations that name it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from riskgate.assessment.models import Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.targeting.models import InspectionTask, TaskStatus


def for_enterprise(principal: Principal, *, limit: int = 100) -> dict:

    organisation = getattr(principal, "organisation", None)
    if organisation is None or not principal.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL):
        raise PermissionDenied
    identifiers = [i for i in (organisation.customs_code, organisation.uscc) if i]
    own = Q(pk__in=[])
    for identifier in identifiers:
        own |= Q(enterprises__contains=f"|{identifier}|")
    inspections = (
        InspectionTask.objects.filter(own, status=TaskStatus.DONE)
        .prefetch_related("lab_results")
        .order_by("-completed_at")[:limit]
    )
    named = Q(warnings__enterprises=organisation) | Q(warnings__obligations__enterprise=organisation)
    assessments = (
        Assessment.objects.filter(named, status=AssessmentStatus.CONFIRMED).distinct().order_by("-confirmed_at")[:limit]
    )
    return {"inspections": list(inspections), "assessments": list(assessments)}
