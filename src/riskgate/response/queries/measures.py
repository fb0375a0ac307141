"""Reads of measure orders: those decided in the principal's jurisdiction and those its organisation executes."""

from django.db.models import Q, QuerySet

from riskgate.accounts.models import Organisation
from riskgate.assessment.models import Assessment
from riskgate.core.access import require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.warnings.models import WarningNotice

from ..models import MeasureKind, MeasureOrder


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


def executes(principal: Principal, order: MeasureOrder) -> bool:
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        return False
    units = [order.lead_unit, *order.cooperating_units.all()]
    return any(organisation.path.startswith(unit.path) for unit in units)


# What an order names by id (the service checks each against the principal's jurisdiction).


def organisation(pk: int) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first()


def organisations(ids: list[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=ids))


def warning(pk: int) -> WarningNotice | None:
    return WarningNotice.objects.filter(pk=pk).first()


def assessment(pk: int) -> Assessment | None:
    return Assessment.objects.filter(pk=pk).first()


def kinds() -> QuerySet:
    """The measure kinds that may be ordered (the catalogue, reference data)."""
    return MeasureKind.objects.filter(active=True)
