"""Reads of measure orders: those decided in the principal's jurisdiction and those its organisation executes."""

from django.db.models import Q, QuerySet

from riskgate.core.access import require
from riskgate.core.permissions import Permission

from ..models import MeasureOrder


def visible(principal) -> QuerySet:
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


def executes(principal, order: MeasureOrder) -> bool:
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        return False
    units = [order.lead_unit, *order.cooperating_units.all()]
    return any(organisation.path.startswith(unit.path) for unit in units)
