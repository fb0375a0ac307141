"""Reads of enforcement: a transfer is read by the sending jurisdiction and, once sent, by the receiving unit only."""

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.core.work import WorkItem, group, present

from .models import CaseTransfer, EvidenceFile, TransferStatus


def transfers(principal: Principal) -> QuerySet:
    """The jurisdiction's own transfers (for those who send), and those sent to the principal's unit (for those
    who receive) — never a draft to the receiver, never another unit's to anyone else."""
    shown = Q(pk__in=[])
    if principal.has_permission(Permission.ENFORCEMENT_TRANSFER_MANAGE):
        shown |= Q(pk__in=CaseTransfer.objects.visible_to(principal).order_by().values("pk"))
    organisation_id = getattr(principal, "organisation_id", None)
    if principal.has_permission(Permission.ENFORCEMENT_TRANSFER_RECEIVE) and organisation_id:
        shown |= Q(receiving_id=organisation_id) & ~Q(status=TransferStatus.DRAFT)
    return CaseTransfer.objects.filter(shown).select_related("organisation", "receiving", "enterprise")


def transfer_or_none(principal: Principal, pk: int) -> CaseTransfer | None:
    return transfers(principal).filter(pk=pk).first()


def evidence_or_none(principal: Principal, pk: int) -> EvidenceFile | None:
    return EvidenceFile.objects.filter(pk=pk, transfer__in=transfers(principal)).select_related("transfer").first()


def is_receiver(principal: Principal, transfer: CaseTransfer) -> bool:
    return getattr(principal, "organisation_id", None) == transfer.receiving_id


def enterprises(principal: Principal) -> QuerySet:
    return Organisation.objects.visible_to(principal).filter(kind=OrganisationKind.ENTERPRISE)


def receiving_units() -> QuerySet:
    return Organisation.objects.filter(kind=OrganisationKind.PARTNER_AGENCY, is_active=True).order_by("name")


def pending_work(user) -> list:
    """Transfers this receiving unit has not acknowledged yet, and those it has not reported on."""
    if not user.has_permission(Permission.ENFORCEMENT_TRANSFER_RECEIVE) or not getattr(user, "organisation_id", None):
        return []
    mine = CaseTransfer.objects.filter(receiving_id=user.organisation_id)
    return present(
        group(
            "enforcement.received",
            _("待接收或待反馈的移送案件"),
            mine.filter(Q(status=TransferStatus.SENT) | Q(status=TransferStatus.ACKNOWLEDGED)),
            reverse("enforcement:transfers"),
            lambda t: WorkItem(
                title=f"{t.reference} · {t.title}",
                url=reverse("enforcement:transfer", args=[t.pk]),
                since=t.sent_at,
                detail=f"{local(t.organisation)} · {t.get_status_display()}",
            ),
            order=("sent_at",),
        )
    )
