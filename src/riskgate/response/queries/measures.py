"""Reads of measure orders: those decided in the principal's jurisdiction and those its organisation executes."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.assessment.models import Assessment
from riskgate.core.access import require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.warnings.queries import basis_for

from ..models import EXECUTING_KINDS, MeasureDelivery, MeasureKind, MeasureOrder, Status


def visible(principal: Principal) -> QuerySet:
    """Measures decided in the principal's jurisdiction, and those its organisation (or one below it) executes
    as lead or cooperating unit."""
    require(principal, Permission.RESPONSE_MEASURE_VIEW)
    own = MeasureOrder.objects.visible_to(principal)
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        return own
    executing = MeasureOrder.objects.filter(
        Q(lead_unit__path__startswith=organisation.path) | Q(cooperating_units__path__startswith=organisation.path)
    )
    return MeasureOrder.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=executing.values("pk"))).distinct()


def overdue(orders: QuerySet) -> QuerySet:
    """Open measures not reported implemented whose deadline has passed (MeasureOrder.is_overdue, as a filter)."""
    return orders.exclude(status=Status.LIFTED).filter(implemented_at__isnull=True, deadline__lte=timezone.now())


def executes(principal: Principal, order: MeasureOrder) -> bool:
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        return False
    units = [order.lead_unit, *order.cooperating_units.all()]
    return any(organisation.path.startswith(unit.path) for unit in units)


# What an order may name: each is resolved through the principal's scope (the form's choices and the API's ids alike).


def bases(principal: Principal) -> QuerySet:
    """Warnings a measure may rest on: those of the principal's jurisdiction and those sent to its organisation."""
    return basis_for(principal)


def assessments(principal: Principal) -> QuerySet:
    """Assessments a measure may rest on: those of the principal's jurisdiction."""
    return Assessment.objects.visible_to(principal)


def enterprises(principal: Principal) -> QuerySet:
    """Enterprises a measure may concern: those registered in the principal's jurisdiction."""
    return Organisation.objects.visible_to(principal).filter(kind=OrganisationKind.ENTERPRISE)


def lead_units(principal: Principal) -> QuerySet:
    """Units that may lead a measure: active executing units of the principal's jurisdiction."""
    return Organisation.objects.visible_to(principal).filter(kind__in=EXECUTING_KINDS, is_active=True)


def cooperating_units(principal: Principal) -> QuerySet:
    """Units that may cooperate: the lead units' kinds in the jurisdiction, and partner agencies from outside it."""
    executing = Organisation.objects.filter(kind__in=EXECUTING_KINDS, is_active=True)
    return executing.filter(
        Q(pk__in=Organisation.objects.visible_to(principal).values("pk")) | Q(kind=OrganisationKind.PARTNER_AGENCY)
    )


def kinds() -> QuerySet:
    """The measure kinds that may be ordered (the catalogue, reference data)."""
    return MeasureKind.objects.filter(active=True)


def deliveries(order: MeasureOrder) -> QuerySet[MeasureDelivery]:
    """The agencies a "notify departments" measure was delivered to, with their read receipts."""
    return order.deliveries.select_related("organisation", "read_by")


def unread_delivery(principal: Principal, order: MeasureOrder) -> MeasureDelivery | None:
    """The principal's own organisation's delivery of the measure, while no one there has read it."""
    organisation_id = getattr(principal, "organisation_id", None)
    return order.deliveries.filter(organisation_id=organisation_id, read_at__isnull=True).first()
