"""Reads of mitigation obligations: authorities their jurisdiction, an enterprise its own, an institution those
it evaluates."""

from django.db.models import QuerySet

from riskgate.core.principal import Principal

from ..models import Obligation
from .common import concerned


def visible(principal: Principal) -> QuerySet:
    """Authorities: their jurisdiction; an enterprise: its own obligations; a technical institution: those it
    evaluates."""
    return concerned(principal, Obligation, institutions=True)
