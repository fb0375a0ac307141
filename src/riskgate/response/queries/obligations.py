"""Reads of mitigation obligations: authorities their jurisdiction, an enterprise its own, an institution those
it evaluates."""

from django.db.models import QuerySet

from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal

from ..models import Obligation
from .common import concerned


def visible(principal: Principal) -> QuerySet:
    """Authorities: their jurisdiction; an enterprise: its own obligations; a technical institution: those it
    evaluates."""
    return concerned(principal, Obligation, institutions=True)


def audience(obligation: Obligation, organisation) -> Permission:
    """Who at `organisation` hears of an obligation: the party's people who fulfil it, the institution's who
    evaluate it, and otherwise the supervising authority's who see measures."""
    if organisation.pk == obligation.enterprise_id:
        return Permission.RESPONSE_OBLIGATION_FULFIL
    if organisation.pk == obligation.institution_id:
        return Permission.RESPONSE_OBLIGATION_EVALUATE
    return Permission.RESPONSE_MEASURE_VIEW
