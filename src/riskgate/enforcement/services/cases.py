"""Every write of the enforcement cases: interviews (约谈) with their minutes and follow-up commitments, major cases
under joint supervision (挂牌督办), administrative penalty cases (their credit events, publication and exposure as
typical cases; a revocation or ban is a compulsory market exit), anti-counterfeiting campaigns with their targets
and reported results. Each write is authorised, scoped to the principal's jurisdiction, audited, one transaction."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, require_person
from riskgate.credit import services as credit

from .. import queries
from ..models import (
    MARKET_EXIT,
    Campaign,
    CampaignReport,
    Commitment,
    Interview,
    InterviewStatus,
    InterviewSubject,
    KeyCommodity,
    KeyField,
    PenaltyCase,
    PenaltyKind,
    ProgressReport,
    SupervisedCase,
    SupervisionKind,
    SupervisionStatus,
)


def _text(data: dict, key: str, message: str, limit: int) -> str:
    value = (data.get(key) or "").strip()
    if not value:
        raise field_error(key, message)
    return value[:limit]


def _given(data: dict, key: str, kind: type, message: str):
    """The value of `key`, which must be a `kind` (a date, a time): refused beside its field otherwise."""
    value = data.get(key)
    if not isinstance(value, kind):
        raise field_error(key, message)
    return value


def _audit(principal, obj, action: str, changes: dict | None = None, reason: str = "") -> None:
    audit.record(
        actor=principal,
        action=action,
        obj=obj,
        object_repr=obj.reference,
        changes=changes or {},
        reason=reason[:500],
        organisation_id=obj.organisation_id,
    )


def _enterprise(principal: Principal, enterprise, field: str = "enterprise", required: bool = True):
    if enterprise is None:
        if required:
            raise field_error(field, _("请选择企业。"))
        return None
    if not queries.enterprises(principal).filter(pk=enterprise.pk).exists():
        raise field_error(field, _("该企业不在您的辖区内。"))
    return enterprise


def _locked(principal: Principal, model, pk: int):
    """The record, locked, if the principal manages enforcement cases and its jurisdiction holds the record."""
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    require_person(principal)
    found = model.objects.visible_to(principal).select_for_update().filter(pk=pk).first()
    if found is None:
        raise PermissionDenied
    return found


# -- interviews ---------------------------------------------------------------------------------------------------


@transaction.atomic
def schedule_interview(principal: Principal, data: dict) -> Interview:
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    user = require_person(principal)
    subject = data.get("subject")
    if subject not in InterviewSubject.values:
        raise field_error("subject", _("请选择约谈对象类别。"))
    enterprise, government = None, ""
    if subject == InterviewSubject.ENTERPRISE:
        enterprise = _enterprise(principal, data.get("enterprise"))
    else:
        government = _text(data, "government", _("请填写被约谈的地方政府。"), 200)
    scheduled_at = _given(data, "scheduled_at", dt.datetime, _("请填写约谈时间。"))
    interview = Interview.objects.create(
        organisation=principal.organisation,
        subject=subject,
        enterprise=enterprise,
        government=government,
        reason=_text(data, "reason", _("请写明约谈事由。"), 5000),
        scheduled_at=scheduled_at,
        place=_text(data, "place", _("请填写约谈地点。"), 200),
        created_by=user,
    )
    _audit(principal, interview, "interview.created", {"subject": subject, "interviewee": interview.interviewee})
    if enterprise is not None:
        notify_organisation(
            organisation=enterprise,
            permission=Permission.ENFORCEMENT_CASE_VIEW,
            kind="interview.scheduled",
            title=in_both(
                lambda: (
                    _("%(ref)s：%(org)s 约谈贵企业（%(when)s）")
                    % {
                        "ref": interview.reference,
                        "org": interview.organisation.name,
                        "when": timezone.localtime(interview.scheduled_at).strftime("%Y-%m-%d %H:%M"),
                    }
                )
            ),
            link=f"/enforcement/interviews/{interview.pk}/",
            object_key=f"interview:{interview.pk}",
        )
    return interview


@transaction.atomic
def record_minutes(principal: Principal, interview: Interview, data: dict) -> Interview:
    """The interview was held: who attended and the minutes (纪要)."""
    interview = _locked(principal, Interview, interview.pk)
    if interview.status != InterviewStatus.SCHEDULED:
        raise field_error("minutes", _("约谈纪要已记录。"))
    held_at = _given(data, "held_at", dt.datetime, _("请填写实际约谈时间。"))
    if held_at > timezone.now():
        raise field_error("held_at", _("实际约谈时间不能晚于现在。"))
    interview.held_at = held_at
    interview.attendees = _text(data, "attendees", _("请填写参加人员。"), 2000)
    interview.minutes = _text(data, "minutes", _("请填写约谈纪要。"), 20000)
    interview.status = InterviewStatus.HELD
    interview.save()
    _audit(principal, interview, "interview.minutes_recorded", {"held_at": held_at})
    return interview


@transaction.atomic
def add_commitment(principal: Principal, interview: Interview, data: dict) -> Commitment:
    interview = _locked(principal, Interview, interview.pk)
    if interview.status != InterviewStatus.HELD:
        raise field_error("action", _("约谈后、办结前才能确定整改事项。"))
    due = _given(data, "due", dt.date, _("请填写完成期限。"))
    if due < interview.held_at.date():
        raise field_error("due", _("完成期限不能早于约谈日期。"))
    commitment = Commitment.objects.create(
        interview=interview, action=_text(data, "action", _("请写明整改事项。"), 500), due=due
    )
    _audit(principal, interview, "interview.commitment_added", {"action": commitment.action, "due": due})
    return commitment


@transaction.atomic
def fulfil_commitment(principal: Principal, interview: Interview, data: dict) -> Commitment:
    """An officer confirms a commitment was fulfilled, with what was seen (a late fulfilment stays visibly late)."""
    interview = _locked(principal, Interview, interview.pk)
    commitment = interview.commitments.select_for_update().filter(pk=data.get("commitment") or 0).first()
    if commitment is None:
        raise field_error("commitment", _("请选择整改事项。"))
    if commitment.fulfilled_at is not None:
        raise field_error("commitment", _("该整改事项已确认完成。"))
    commitment.fulfilment = _text(data, "fulfilment", _("请写明完成情况。"), 5000)
    commitment.fulfilled_at, commitment.confirmed_by = timezone.now(), person(principal)
    commitment.save()
    late = commitment.fulfilled_at.date() > commitment.due
    _audit(principal, interview, "interview.commitment_fulfilled", {"action": commitment.action, "late": late})
    return commitment


@transaction.atomic
def close_interview(principal: Principal, interview: Interview, data: dict) -> Interview:
    """Closed when every commitment is fulfilled, or with a conclusion that says what became of those that are not."""
    interview = _locked(principal, Interview, interview.pk)
    if interview.status != InterviewStatus.HELD:
        raise field_error("conclusion", _("约谈纪要记录后才能办结。"))
    conclusion = _text(data, "conclusion", _("请填写办结意见。"), 5000)
    unfulfilled = list(interview.commitments.filter(fulfilled_at__isnull=True))
    interview.status, interview.closed_at, interview.conclusion = InterviewStatus.CLOSED, timezone.now(), conclusion
    interview.save()
    if interview.enterprise is not None:  # a failed duty enters the interviewed enterprise's credit record
        for commitment in unfulfilled:
            credit.record_event(
                enterprise=interview.enterprise,
                kind="commitment_unfulfilled",
                source=f"commitment:{commitment.pk}",
                detail=f"{interview.reference} {commitment.action}"[:500],
                occurred_at=interview.closed_at,
                recorded_by=person(principal),
            )
    _audit(principal, interview, "interview.closed", {"unfulfilled": len(unfulfilled)}, conclusion)
    return interview


# -- joint supervision of major cases ------------------------------------------------------------------------------


@transaction.atomic
def open_supervision(principal: Principal, data: dict) -> SupervisedCase:
    """List a major case or a plan's work task for supervision: a lead unit and cooperating units under the
    supervisor, a deadline; each unit is told."""
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    user = require_person(principal)
    kind = data.get("kind") or SupervisionKind.CASE
    if kind not in SupervisionKind.values:
        raise field_error("kind", _("请选择督办类别。"))
    units = queries.supervisable(principal)
    supervised = data.get("supervised")
    if not isinstance(supervised, Organisation) or not units.filter(pk=supervised.pk).exists():
        raise field_error("supervised", _("承办单位应是本单位下属的海关。"))
    cooperating = list(data.get("cooperating") or [])
    if any(not isinstance(u, Organisation) for u in cooperating) or units.filter(
        pk__in=[u.pk for u in cooperating]
    ).count() != len({u.pk for u in cooperating}):
        raise field_error("cooperating", _("协办单位应是本单位下属的海关。"))
    if supervised.pk in {u.pk for u in cooperating}:
        raise field_error("cooperating", _("承办单位不必再列为协办单位。"))
    deadline = data.get("deadline")
    if not isinstance(deadline, dt.date) or deadline <= timezone.localdate():
        raise field_error("deadline", _("办结期限应晚于今天。"))
    case = SupervisedCase.objects.create(
        organisation=principal.organisation,
        kind=kind,
        supervised=supervised,
        basis=(data.get("basis") or "").strip()[:300],
        partners=(data.get("partners") or "").strip()[:300],
        enterprise=_enterprise(principal, data.get("enterprise"), required=False),
        title=_text(data, "title", _("请填写督办事项。"), 300),
        facts=_text(data, "facts", _("请写明情况与督办要求。"), 20000),
        deadline=deadline,
        created_by=user,
    )
    case.cooperating.set(cooperating)
    _audit(
        principal,
        case,
        "supervised_case.created",
        {"kind": kind, "supervised": supervised.pk, "cooperating": sorted(u.pk for u in cooperating),
         "deadline": deadline},
    )  # fmt: skip
    for unit, title in [(supervised, lambda: _("%(ref)s：督办，%(date)s 前办结")), *[
        (u, lambda: _("%(ref)s：协办督办事项，%(date)s 前办结")) for u in cooperating
    ]]:  # fmt: skip
        notify_organisation(
            organisation=unit,
            permission=Permission.ENFORCEMENT_CASE_MANAGE,
            kind="supervised_case.opened",
            title=in_both(lambda title=title: title() % {"ref": case.reference, "date": deadline.isoformat()}),
            link=f"/enforcement/supervision/{case.pk}/",
            object_key=f"supervised_case:{case.pk}",
        )
    return case


@transaction.atomic
def report_progress(principal: Principal, case: SupervisedCase, data: dict) -> ProgressReport:
    """The unit handling the case (or its supervisor) reports progress."""
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    user = require_person(principal)
    locked = SupervisedCase.objects.select_for_update().filter(pk=case.pk).first()
    if locked is None or not queries.supervised_cases(principal).filter(pk=case.pk).exists():
        raise PermissionDenied
    if locked.status != SupervisionStatus.OPEN:
        raise field_error("text", _("该案件已结案销号。"))
    report = ProgressReport.objects.create(
        case=locked,
        by=user,
        unit=getattr(principal, "organisation", None),
        text=_text(data, "text", _("请写明办理进展。"), 10000),
    )
    _audit(principal, locked, "supervised_case.progress", {"report": report.pk})
    return report


@transaction.atomic
def close_supervision(principal: Principal, case: SupervisedCase, data: dict) -> SupervisedCase:
    """Only the supervising jurisdiction closes a case (销号), after at least one progress report."""
    case = _locked(principal, SupervisedCase, case.pk)
    if case.status != SupervisionStatus.OPEN:
        raise field_error("conclusion", _("该案件已结案销号。"))
    if not case.reports.exists():
        raise field_error("conclusion", _("承办单位尚未报告办理进展，不能销号。"))
    case.conclusion = _text(data, "conclusion", _("请填写结案意见。"), 10000)
    case.status, case.closed_at = SupervisionStatus.CLOSED, timezone.now()
    case.save()
    _audit(principal, case, "supervised_case.closed", {"late": case.closed_at.date() > case.deadline}, case.conclusion)
    return case


# -- deadlines ------------------------------------------------------------------------------------------------------


def watch_deadlines(now: dt.datetime | None = None) -> dict:
    """Scheduled (and `manage.py escalate_enforcement_cases`): a supervised case still open after its deadline is
    recorded overdue once and escalated — the handling unit, the supervising jurisdiction and the body above it are
    told; a commitment of an open interview not fulfilled by its due day is recorded overdue once — the
    interviewing jurisdiction and the enterprise are told. Running it again changes nothing."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    counts = {"cases_escalated": 0, "commitments_overdue": 0}
    late_cases = SupervisedCase.objects.filter(
        status=SupervisionStatus.OPEN, deadline__lt=today, escalated_at__isnull=True
    ).select_related("organisation__parent", "supervised")
    for case in late_cases:
        with transaction.atomic():
            if not SupervisedCase.objects.filter(pk=case.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            _audit(None, case, "supervised_case.overdue", {"deadline": case.deadline})
            title = in_both(
                lambda case=case: (
                    _("挂牌督办 %(ref)s 逾期未办结（期限 %(date)s）") % {"ref": case.reference, "date": case.deadline}
                )
            )
            link, key = f"/enforcement/supervision/{case.pk}/", f"supervised_case:{case.pk}:overdue"
            told = [(case.supervised, None), *((u, None) for u in case.cooperating.all())]
            for unit, about in (*told, (case.organisation, case), (case.organisation.parent, case)):
                if unit is not None:
                    notify_organisation(
                        organisation=unit,
                        permission=Permission.ENFORCEMENT_CASE_MANAGE,
                        kind="supervised_case.overdue",
                        title=title,
                        link=link,
                        object_key=key,
                        about=about,
                    )
            counts["cases_escalated"] += 1
    late_commitments = Commitment.objects.filter(
        fulfilled_at__isnull=True, overdue_at__isnull=True, due__lt=today, interview__status=InterviewStatus.HELD
    ).select_related("interview__organisation", "interview__enterprise")
    for commitment in late_commitments:
        with transaction.atomic():
            if not Commitment.objects.filter(pk=commitment.pk, overdue_at__isnull=True).update(overdue_at=now):
                continue
            interview = commitment.interview
            _audit(
                None, interview, "interview.commitment_overdue", {"action": commitment.action, "due": commitment.due}
            )
            title = in_both(
                lambda i=interview, c=commitment: (
                    _("约谈 %(ref)s 的整改事项逾期未完成：%(action)s（期限 %(date)s）")
                    % {"ref": i.reference, "action": c.action, "date": c.due}
                )
            )
            link, key = f"/enforcement/interviews/{interview.pk}/", f"commitment:{commitment.pk}:overdue"
            notify_organisation(
                organisation=interview.organisation,
                permission=Permission.ENFORCEMENT_CASE_MANAGE,
                kind="commitment.overdue",
                title=title,
                link=link,
                object_key=key,
                about=interview,
            )
            if interview.enterprise is not None:
                notify_organisation(
                    organisation=interview.enterprise,
                    permission=Permission.ENFORCEMENT_CASE_VIEW,
                    kind="commitment.overdue",
                    title=title,
                    link=link,
                    object_key=key,
                )
            counts["commitments_overdue"] += 1
    return counts


# -- campaigns ------------------------------------------------------------------------------------------------------


@transaction.atomic
def open_campaign(principal: Principal, data: dict) -> Campaign:
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    user = require_person(principal)
    commodities = [c for c in data.get("commodities") or [] if c in KeyCommodity.values]
    if not commodities:
        raise field_error("commodities", _("请至少选择一类重点商品。"))
    fields = [f for f in data.get("fields") or [] if f in KeyField.values]
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise field_error("starts_on", _("请填写行动期间。"))
    if ends_on < starts_on:
        raise field_error("ends_on", _("结束日期不能早于开始日期。"))
    targets = {
        key: data.get(key)
        for key in ("target_inspections", "target_cases", "target_transfers", "target_seized_yuan")
        if data.get(key) is not None
    }
    if not targets:
        raise field_error("target_cases", _("请至少设定一项行动目标。"))
    campaign = Campaign.objects.create(
        organisation=principal.organisation,
        name=_text(data, "name", _("请填写行动名称。"), 200),
        commodities=commodities,
        fields=fields,
        starts_on=starts_on,
        ends_on=ends_on,
        description=(data.get("description") or "").strip()[:10000],
        created_by=user,
        **targets,
    )
    _audit(principal, campaign, "campaign.created", {"commodities": commodities, **targets})
    return campaign


@transaction.atomic
def report_campaign(principal: Principal, campaign: Campaign, data: dict) -> CampaignReport:
    """A unit of the campaign's jurisdiction reports what it inspected and seized (cases and transfers are counted
    from the records linked to the campaign, never reported by hand)."""
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    require_person(principal)
    if not queries.campaigns(principal).filter(pk=campaign.pk).exists():
        raise PermissionDenied  # a unit of the organiser's jurisdiction reports, or the organiser itself
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.closed_at is not None:
        raise field_error("inspections", _("专项行动已总结，不再接收报告。"))
    inspections, seized = data.get("inspections"), data.get("seized_yuan")
    if not isinstance(inspections, int) or inspections < 0:
        raise field_error("inspections", _("请填写检查批次。"))
    if not isinstance(seized, int) or seized < 0:
        raise field_error("seized_yuan", _("请填写查扣货值（元），没有填 0。"))
    report = CampaignReport.objects.create(
        campaign=campaign,
        organisation=principal.organisation,
        by=person(principal),
        inspections=inspections,
        seized_yuan=seized,
        note=(data.get("note") or "").strip()[:500],
    )
    _audit(principal, campaign, "campaign.progress", {"inspections": inspections, "seized_yuan": seized})
    return report


@transaction.atomic
def close_campaign(principal: Principal, campaign: Campaign, data: dict) -> Campaign:
    campaign = _locked(principal, Campaign, campaign.pk)
    if campaign.closed_at is not None:
        raise field_error("summary", _("专项行动已总结。"))
    if campaign.organisation_id != principal.organisation_id:
        raise PermissionDenied  # the organising unit sums its campaign up, not the units taking part
    campaign.summary = _text(data, "summary", _("请填写行动总结。"), 20000)
    campaign.closed_at = timezone.now()
    campaign.save()
    _audit(principal, campaign, "campaign.closed", {"results": queries.campaign_results(campaign)})
    return campaign


# -- administrative penalty cases -----------------------------------------------------------------------------------


def credit_kind(case: PenaltyCase) -> str:
    """A serious violation, or a penalty that puts the enterprise out of the market, is a serious penalty."""
    return "penalty_serious" if case.serious or case.market_exit else "penalty_general"


@transaction.atomic
def record_penalty(principal: Principal, data: dict) -> PenaltyCase:
    """Record a penalty decision: its credit event is written at once (source `document:<number>`)."""
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    user = require_person(principal)
    enterprise = _enterprise(principal, data.get("enterprise"))
    number = _text(data, "document_number", _("请填写处罚决定书文号。"), 100)
    decided_on = _given(data, "decided_on", dt.date, _("请填写处罚决定日期。"))
    if decided_on > timezone.localdate():
        raise field_error("decided_on", _("处罚决定日期不能晚于今天。"))
    penalties = [p for p in data.get("penalties") or [] if p in PenaltyKind.values]
    if not penalties:
        raise field_error("penalties", _("请至少选择一种处罚。"))
    fine = data.get("fine_yuan") or 0
    if PenaltyKind.FINE in penalties and fine <= 0:
        raise field_error("fine_yuan", _("罚款应填写金额。"))
    campaign = data.get("campaign")
    if campaign is not None and not queries.open_campaigns(principal).filter(pk=campaign.pk).exists():
        raise field_error("campaign", _("请选择本辖区进行中的专项行动。"))
    if campaign is not None and not campaign.starts_on <= decided_on <= campaign.ends_on:
        raise field_error("campaign", _("处罚决定日期不在该专项行动期间内。"))
    try:
        with transaction.atomic():
            case = PenaltyCase.objects.create(
                organisation=principal.organisation,
                enterprise=enterprise,
                document_number=number,
                decided_on=decided_on,
                facts=_text(data, "facts", _("请写明违法事实。"), 20000),
                legal_basis=_text(data, "legal_basis", _("请填写处罚依据。"), 5000),
                penalties=penalties,
                fine_yuan=fine,
                serious=bool(data.get("serious")),
                market_exit=bool(MARKET_EXIT & set(penalties)),
                campaign=campaign,
                created_by=user,
            )
    except IntegrityError:
        raise field_error("document_number", _("该处罚决定书文号已登记。")) from None
    kind = credit_kind(case)
    credit.record_event(
        enterprise=enterprise,
        kind=kind,
        source=f"document:{number}",
        detail=f"{case.reference} {', '.join(case.penalty_labels())}"[:500],
        occurred_at=timezone.make_aware(dt.datetime.combine(decided_on, dt.time(12))),
        recorded_by=user,
    )
    _audit(
        principal,
        case,
        "penalty_case.created",
        {"document_number": number, "penalties": penalties, "credit": kind, "market_exit": case.market_exit},
    )
    return case


@transaction.atomic
def publish_penalty(principal: Principal, case: PenaltyCase, data: dict) -> PenaltyCase:
    """Publish the decision on the portal (行政处罚公示): what is published is written for the public (no
    personal data); the enterprise's name, the decision's number and the penalties are published with it."""
    case = _locked(principal, PenaltyCase, case.pk)
    if case.published_at is not None:
        raise field_error("public_summary", _("该处罚已公示。"))
    case.public_summary = _text(data, "public_summary", _("请填写公示内容。"), 5000)
    case.published_at = timezone.now()
    case.save()
    late = case.published_at.date() > queries.publication_due(case.decided_on)
    _audit(principal, case, "penalty_case.published", {"late": late})
    return case


@transaction.atomic
def expose_penalty(principal: Principal, case: PenaltyCase, data: dict) -> PenaltyCase:
    """Expose a published case as a typical case (典型案例曝光), with a title and what the public should learn."""
    case = _locked(principal, PenaltyCase, case.pk)
    if case.published_at is None:
        raise field_error("exposure_title", _("先公示处罚，才能作为典型案例曝光。"))
    if case.exposed_at is not None:
        raise field_error("exposure_title", _("该案件已作为典型案例曝光。"))
    case.exposure_title = _text(data, "exposure_title", _("请填写典型案例标题。"), 200)
    case.exposure_text = _text(data, "exposure_text", _("请写明典型案例说明。"), 10000)
    case.exposed_at = timezone.now()
    case.save()
    _audit(principal, case, "penalty_case.exposed", {"title": case.exposure_title})
    return case
