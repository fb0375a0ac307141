"""Reads of recalls: the cases the principal may see, and a recall's effectiveness over time."""

from django.db.models import QuerySet

from riskgate.core.principal import Principal

from ..models import Recall
from .common import concerned


def visible(principal: Principal) -> QuerySet:
    """Authorities: their jurisdiction; an enterprise: its own recalls."""
    return concerned(principal, Recall)


def effectiveness(recall: Recall) -> list[dict]:
    """The recall effectiveness rate (召回率) over time: for each progress report, in date order, the units
    corrected so far and their share of the units concerned."""
    return [
        {
            "date": p.as_of.isoformat(),
            "units": p.units_corrected,
            "rate": round(p.units_corrected / recall.affected_units, 4),
        }
        for p in recall.progress.order_by("as_of")
    ]


def public_recalls() -> QuerySet[Recall]:
    """Recall notices published to the public (the portal's recall notices)."""
    return Recall.objects.filter(public=True).select_related("enterprise")
