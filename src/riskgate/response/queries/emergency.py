"""Reads of port emergency response (decision 0030): plans, materials and activations in the reader's scope (the
port and the authorities above it), an activation's tasks also to the units that carry them out, and the urgent
warnings a plan may be activated on."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from riskgate.core.access import pk_or_404, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.vocabulary import WarningLevel
from riskgate.warnings.models import Path, Status, WarningNotice

from ..models import Activation, ActivationStatus, EmergencyMaterial, EmergencyPlan

URGENT_LEVELS = (WarningLevel.I, WarningLevel.II)


def plans(principal: Principal) -> QuerySet[EmergencyPlan]:
    require(principal, Permission.RESPONSE_MEASURE_VIEW)
    return EmergencyPlan.objects.visible_to(principal).select_related("organisation")


def plan_or_404(principal: Principal, pk: int) -> EmergencyPlan:
    return pk_or_404(plans(principal).prefetch_related("steps__unit", "drills"), pk)


def materials(principal: Principal) -> QuerySet[EmergencyMaterial]:
    require(principal, Permission.RESPONSE_MEASURE_VIEW)
    return EmergencyMaterial.objects.visible_to(principal).select_related("organisation")


def activations(principal: Principal) -> QuerySet[Activation]:
    """Activations of the reader's jurisdiction, and those giving a task to the reader's unit."""
    require(principal, Permission.RESPONSE_MEASURE_VIEW)
    mine = Q(pk__in=Activation.objects.visible_to(principal).values("pk"))
    organisation = getattr(principal, "organisation", None)
    if organisation is not None:
        mine |= Q(tasks__unit=organisation)
    return Activation.objects.filter(mine).distinct().select_related("plan", "organisation", "warning")


def activation_or_404(principal: Principal, pk: int) -> Activation:
    return pk_or_404(activations(principal), pk)


def decides(principal: Principal, activation: Activation) -> bool:
    """True for the authorities of the activation's port (who may close it and report on any task)."""
    return Activation.objects.visible_to(principal).filter(pk=activation.pk).exists()


def urgent_warnings() -> QuerySet[WarningNotice]:
    """Warnings a plan may be activated on: published current versions of level I or II, or published ahead of
    confirmation in an emergency."""
    now = timezone.now()
    return (
        WarningNotice.objects.filter(current=True, status=Status.PUBLISHED)
        .filter(Q(level__in=URGENT_LEVELS) | Q(path=Path.EMERGENCY))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .order_by("-published_at")
    )


def open_activations(principal: Principal) -> QuerySet[Activation]:
    return activations(principal).filter(status=ActivationStatus.ACTIVE)
