"""Reads of enforcement: a transfer is read by the sending jurisdiction and, once sent, by the receiving unit only;
an interview or a penalty case by the authority's jurisdiction and the enterprise concerned; a supervised case by
the supervisor's jurisdiction and the unit handling it; a campaign by its organiser's jurisdiction and the units
under the organiser. Benchmarks, publicity events and published penalties are the portal's."""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.core.work import WorkItem, group, present

from .models import (
    Benchmark,
    Campaign,
    CaseTransfer,
    Commitment,
    EvidenceFile,
    Interview,
    InterviewStatus,
    PenaltyCase,
    PublicityEvent,
    SupervisedCase,
    SupervisionStatus,
    TransferStatus,
)

SUPERVISABLE_KINDS = (OrganisationKind.DIRECT_BUREAU, OrganisationKind.INSPECTION_BODY, OrganisationKind.PORT)
PUBLICATION_WORKING_DAYS = 7  # a penalty decision is published within seven working days of the decision


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


# -- interviews, supervised cases, penalty cases, campaigns ---------------------------------------------------------


def _own_organisation(principal: Principal) -> int | None:
    return getattr(principal, "organisation_id", None)


def _held_or_concerning(principal: Principal, model) -> QuerySet:
    """The records of the principal's jurisdiction, and those about the principal's own enterprise."""
    if not principal.has_permission(Permission.ENFORCEMENT_CASE_VIEW):
        return model.objects.none()
    shown = Q(pk__in=model.objects.visible_to(principal).order_by().values("pk"))
    if _own_organisation(principal):
        shown |= Q(enterprise_id=principal.organisation_id)
    return model.objects.filter(shown)


def interviews(principal: Principal) -> QuerySet:
    return _held_or_concerning(principal, Interview).select_related("organisation", "enterprise")


def interview_or_none(principal: Principal, pk: int) -> Interview | None:
    return interviews(principal).filter(pk=pk).first()


def interviews_managed(principal: Principal) -> QuerySet:
    """The interviews the principal's jurisdiction holds (an interviewed enterprise reads, never manages)."""
    return Interview.objects.visible_to(principal)


def supervised_cases(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.ENFORCEMENT_CASE_VIEW):
        return SupervisedCase.objects.none()
    shown = Q(pk__in=SupervisedCase.objects.visible_to(principal).order_by().values("pk"))
    organisation = getattr(principal, "organisation", None)
    if organisation is not None:
        shown |= Q(supervised__path__startswith=organisation.path) | Q(
            pk__in=SupervisedCase.objects.filter(cooperating__path__startswith=organisation.path).values("pk")
        )
    return SupervisedCase.objects.filter(shown).select_related("organisation", "supervised", "enterprise")


def supervised_case_or_none(principal: Principal, pk: int) -> SupervisedCase | None:
    return supervised_cases(principal).filter(pk=pk).first()


def handles(principal: Principal, case: SupervisedCase) -> bool:
    """The principal's unit is (or is above) the lead or a cooperating unit, and not the supervisor's jurisdiction:
    it reports progress but never closes the case."""
    organisation = getattr(principal, "organisation", None)
    if organisation is None or case.organisation.path.startswith(organisation.path):
        return False
    return (
        case.supervised.path.startswith(organisation.path)
        or case.cooperating.filter(path__startswith=organisation.path).exists()
    )


def handled_by(principal: Principal) -> QuerySet:
    """The open cases and tasks the principal's unit (or one under it) leads or cooperates on: its queue."""
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        return SupervisedCase.objects.none()
    return supervised_cases(principal).filter(
        Q(supervised__path__startswith=organisation.path)
        | Q(pk__in=SupervisedCase.objects.filter(cooperating__path__startswith=organisation.path).values("pk")),
        status=SupervisionStatus.OPEN,
    )


def supervisable(principal: Principal) -> QuerySet:
    """The customs units under the principal's that a major case may be assigned to."""
    return (
        Organisation.objects.visible_to(principal)
        .filter(kind__in=SUPERVISABLE_KINDS, is_active=True)
        .exclude(pk=_own_organisation(principal))
        .order_by("path")
    )


def penalty_cases(principal: Principal) -> QuerySet:
    return _held_or_concerning(principal, PenaltyCase).select_related("organisation", "enterprise", "campaign")


def penalties_managed(principal: Principal) -> QuerySet:
    return PenaltyCase.objects.visible_to(principal)


def penalty_case_or_none(principal: Principal, pk: int) -> PenaltyCase | None:
    return penalty_cases(principal).filter(pk=pk).first()


def publication_due(decided_on: dt.date) -> dt.date:
    """The last day to publish a decision: seven working days (Monday to Friday) after it."""
    day, left = decided_on, PUBLICATION_WORKING_DAYS
    while left:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5
    return day


def _ancestor_ids(organisation: Organisation) -> list[int]:
    return [int(part) for part in organisation.path.strip("/").split("/") if part]


def campaigns(principal: Principal) -> QuerySet:
    """Campaigns of the principal's jurisdiction and those organised above it (in which its units take part)."""
    if not principal.has_permission(Permission.ENFORCEMENT_CASE_VIEW):
        return Campaign.objects.none()
    shown = Q(pk__in=Campaign.objects.visible_to(principal).order_by().values("pk"))
    organisation = getattr(principal, "organisation", None)
    if organisation is not None and organisation.kind != OrganisationKind.ENTERPRISE:
        shown |= Q(organisation_id__in=_ancestor_ids(organisation))
    return Campaign.objects.filter(shown).select_related("organisation")


def campaign_or_none(principal: Principal, pk: int) -> Campaign | None:
    return campaigns(principal).filter(pk=pk).first()


def open_campaigns(principal: Principal) -> QuerySet:
    return campaigns(principal).filter(closed_at__isnull=True).order_by("-starts_on")


def campaign_results(campaign: Campaign) -> dict:
    """What the campaign achieved: cases and transfers counted from the records linked to it (a transfer once
    sent), fines and market exits from its cases, inspections and seizures from its units' reports."""
    cases = campaign.penalty_cases.aggregate(
        n=Count("id"), fines=Sum("fine_yuan"), exits=Count("id", filter=Q(market_exit=True))
    )
    reports = campaign.reports.aggregate(inspections=Sum("inspections"), seized=Sum("seized_yuan"))
    return {
        "inspections": reports["inspections"] or 0,
        "cases": cases["n"],
        "transfers": campaign.transfers.exclude(status=TransferStatus.DRAFT).count(),
        "seized_yuan": reports["seized"] or 0,
        "fines_yuan": cases["fines"] or 0,
        "market_exits": cases["exits"],
    }


def campaign_progress(campaign: Campaign) -> list[dict]:
    """Each target with what is achieved and the share of it (None where no target was set)."""
    results = campaign_results(campaign)
    rows = []
    for key, label, target in (
        ("inspections", _("检查批次"), campaign.target_inspections),
        ("cases", _("查办案件"), campaign.target_cases),
        ("transfers", _("移送案件"), campaign.target_transfers),
        ("seized_yuan", _("查扣货值（元）"), campaign.target_seized_yuan),
    ):
        achieved = results[key]
        share = None if not target else min(round(100 * achieved / target), 999)
        rows.append({"key": key, "label": label, "target": target, "achieved": achieved, "share": share})
    return rows


def benchmarks(principal: Principal) -> QuerySet:
    return _held_or_concerning(principal, Benchmark).select_related("organisation", "enterprise")


def benchmarks_managed(principal: Principal) -> QuerySet:
    return Benchmark.objects.visible_to(principal)


def benchmark_or_none(principal: Principal, pk: int) -> Benchmark | None:
    return benchmarks(principal).filter(pk=pk).first()


def publicity_events(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.ENFORCEMENT_CASE_VIEW):
        return PublicityEvent.objects.none()
    return PublicityEvent.objects.visible_to(principal).select_related("organisation")


# -- the portal ----------------------------------------------------------------------------------------------------


def published_penalties(*, market_exit: bool = False) -> QuerySet:
    rows = PenaltyCase.objects.filter(published_at__isnull=False).select_related("organisation", "enterprise")
    if market_exit:
        rows = rows.filter(market_exit=True)
    return rows.order_by("-decided_on", "-id")


def typical_cases() -> QuerySet:
    return published_penalties().filter(exposed_at__isnull=False).order_by("-exposed_at")


def public_benchmarks() -> QuerySet:
    return (
        Benchmark.objects.filter(withdrawn_at__isnull=True, valid_until__gte=timezone.localdate())
        .select_related("organisation", "enterprise")
        .order_by("-awarded_on", "-id")
    )


def public_publicity() -> QuerySet:
    return PublicityEvent.objects.select_related("organisation").order_by("-held_on", "-id")


# -- work -----------------------------------------------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def case_work(user) -> list:
    """For those who manage cases: commitments of the jurisdiction's interviews past their deadline, supervised
    cases this unit handles, penalty decisions not yet published (seven working days)."""
    if not user.has_permission(Permission.ENFORCEMENT_CASE_MANAGE) or not getattr(user, "organisation_id", None):
        return []
    today = timezone.localdate()
    late = Commitment.objects.filter(
        interview__in=Interview.objects.visible_to(user).filter(status=InterviewStatus.HELD).order_by().values("pk"),
        fulfilled_at__isnull=True,
        due__lt=today,
    ).select_related("interview", "interview__enterprise")
    handled = handled_by(user)
    unpublished = PenaltyCase.objects.visible_to(user).filter(published_at__isnull=True).select_related("enterprise")
    return present(
        group(
            "enforcement.commitments",
            _("逾期未完成的约谈整改事项"),
            late,
            reverse("enforcement:interviews"),
            lambda c: WorkItem(
                title=f"{c.interview.reference} · {c.action}",
                url=reverse("enforcement:interview", args=[c.interview_id]),
                due=_end_of(c.due),
                detail=c.interview.interviewee,
            ),
            order=("due",),
        ),
        group(
            "enforcement.supervised",
            _("督办案件与任务"),
            handled,
            reverse("enforcement:supervision"),
            lambda s: WorkItem(
                title=f"{s.reference} · {s.title}",
                url=reverse("enforcement:supervised", args=[s.pk]),
                due=_end_of(s.deadline),
                detail=local(s.organisation),
            ),
            order=("deadline",),
        ),
        group(
            "enforcement.unpublished",
            _("待公示的行政处罚"),
            unpublished,
            reverse("enforcement:penalties"),
            lambda p: WorkItem(
                title=f"{p.reference} · {p.document_number}",
                url=reverse("enforcement:penalty", args=[p.pk]),
                due=_end_of(publication_due(p.decided_on)),
                detail=local(p.enterprise),
            ),
            order=("decided_on",),
        ),
    )


def enterprise_section(user, org) -> dict | None:
    """The enforcement record of an enterprise on its organisation page: its interviews, penalties and benchmarks,
    as far as the reader may read them."""
    if org.kind != OrganisationKind.ENTERPRISE or not user.has_permission(Permission.ENFORCEMENT_CASE_VIEW):
        return None
    found = {
        "interviews": list(interviews(user).filter(enterprise=org).order_by("-scheduled_at")[:10]),
        "penalties": list(penalty_cases(user).filter(enterprise=org)[:10]),
        "benchmarks": list(benchmarks(user).filter(enterprise=org).order_by("-awarded_on")[:10]),
    }
    return found if any(found.values()) else None
