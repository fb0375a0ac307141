"""All writes of warning notices: drafting (from a confirmed assessment, or the emergency path), review with four
eyes, the authority rules, publication, adjustment as a new version, lifting (by the authority or at the end of
the validity period). Each write checks permission and jurisdiction, validates, saves and audits in one transaction.
"""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import OrganisationKind
from riskgate.assessment.models import Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, recorded, require_person
from riskgate.core.scoping import ScopeMode
from riskgate.core.vocabulary import WarningLevel
from riskgate.intake.models import RiskInformation

from ..models import (
    CONTENT_FIELDS,
    AuthorityRule,
    Change,
    Evaluation,
    Path,
    Status,
    StepRecord,
    WarningKind,
    WarningNotice,
    region_prefix,
)
from ..queries import newest_version
from . import emergency, inbox
from .delivery import fan_out_on_commit

_RANK = {level: rank for rank, level in enumerate(reversed(WarningLevel.values))}  # IV 0 … I 3


def _own(principal: Principal, notice: WarningNotice) -> WarningNotice:
    """The notice, locked, if the issuing organisation is in the principal's jurisdiction."""
    if not WarningNotice.objects.visible_to(principal).filter(pk=notice.pk).exists():
        raise PermissionDenied
    return WarningNotice.objects.select_for_update().get(pk=notice.pk)


def _record(
    principal: Principal, notice: WarningNotice, action: str, before: str, note: str = "", changes=None
) -> None:
    StepRecord.objects.create(
        notice=notice,
        action=action,
        from_status=before,
        to_status=notice.status,
        actor=person(principal),
        note=note,
    )
    audit.record(
        actor=principal,
        action=f"warning.{action}",
        obj=notice,
        reason=note,
        changes=changes if changes is not None else ({"status": [before, notice.status]} if before else {}),
    )


# ----- authority (R-WRN-3, Art.30) ---------------------------------------------------------------------------


def region_within(code: str, area: str) -> bool:
    """A GB/T 2260 code inside an area code (610000 holds 6101xx; 610100 holds 610102)."""
    return code.startswith(region_prefix(area))


def authority_errors(notice: WarningNotice) -> list[str]:
    """Why the issuing organisation may not issue this notice; empty when a rule allows it."""
    org = notice.organisation
    rules = list(AuthorityRule.objects.filter(active=True, organisation_kind=org.kind))
    if not rules:
        return [_("%s 无权发布风险预警。") % org.name]
    reasons = []
    for rule in rules:
        problems = []
        missing = [str(WarningKind(k).label) for k in notice.kinds if k not in rule.kinds]
        if missing:
            problems.append(_("不能发布：%s") % "、".join(missing))
        if _RANK[notice.level] > _RANK[rule.highest_level]:
            problems.append(_("最高只能发布 %s") % WarningLevel(rule.highest_level).label)
        if rule.own_region_only:
            home = org.region_id or ""
            if not notice.regions:
                problems.append(_("只能在本辖区发布，须列明地区"))
            elif not home or any(not region_within(r, home) for r in notice.regions):
                problems.append(_("只能在本辖区（%s）发布") % (org.region.name if org.region_id else "—"))
        if not problems:
            return []
        reasons.extend(problems)
    return [_("%(org)s：%(why)s。") % {"org": org.name, "why": "；".join(dict.fromkeys(reasons))}]


def _check_authority(notice: WarningNotice) -> None:
    errors = authority_errors(notice)
    if errors:
        raise field_error("level", " ".join(errors))


# ----- drafting ----------------------------------------------------------------------------------------------


M2M_FIELDS = ("ports", "enterprises")


def _apply(notice: WarningNotice, data: dict) -> None:
    data = dict(data)
    pending = {name: list(data.pop(name)) for name in M2M_FIELDS if name in data}
    if pending.get("enterprises") and any(o.kind != OrganisationKind.ENTERPRISE for o in pending["enterprises"]):
        raise field_error("enterprises", _("通告对象须为企业。"))
    if pending.get("ports") and any(o.kind not in ("port", "inspection_body") for o in pending["ports"]):
        raise field_error("ports", _("口岸须为口岸或检验检疫机构。"))
    notice._pending_m2m = {**getattr(notice, "_pending_m2m", {}), **pending}
    unknown = set(data) - set(CONTENT_FIELDS)
    if unknown:
        raise field_error("data", _("未知字段：%s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(notice, name, value)
    if notice.level not in WarningLevel.values:
        raise field_error("level", _("请选择预警等级 I–IV。"))
    notice.full_clean(exclude=["lineage", "supersedes", "assessment", "organisation", "drafted_by"])
    notice.index()


@transaction.atomic
def draft_from_assessment(principal: Principal, assessment: Assessment, *, data: dict) -> WarningNotice:
    """A draft based on a confirmed assessment: its confirmed level and hazard unless the drafter changes them."""
    require(principal, Permission.WARNING_DRAFT)
    require_person(principal)
    if (
        not Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists()
        or principal.scope_mode == ScopeMode.ASSIGNED
    ):
        raise PermissionDenied
    assessment = Assessment.objects.get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.CONFIRMED:
        raise field_error("assessment", _("只能依据当前有效的已确认研判发布预警。"))
    notice = WarningNotice(
        assessment=assessment,
        organisation=principal.organisation,
        drafted_by=recorded(principal),
        level=assessment.confirmed_level,
        hazard_type=assessment.hazard_type,
        title=assessment.title,
        summary=assessment.hazard,
        measures=assessment.recommended_measures,
    )
    _apply(notice, data)
    return _create(principal, notice, "drafted")


@transaction.atomic
def draft_emergency(
    principal: Principal, *, data: dict, reason: str, assessment: Assessment | None = None
) -> WarningNotice:
    """Art.18: in an urgent case a warning may be issued before the full report and confirmed afterwards."""
    require(principal, Permission.WARNING_DRAFT)
    require_person(principal)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("emergency_reason", _("请说明紧急先行发布的理由。"))
    if assessment is not None and not Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists():
        raise field_error("assessment", _("请选择本辖区内的研判。"))
    notice = WarningNotice(
        path=Path.EMERGENCY,
        emergency_reason=reason,
        assessment=assessment,
        organisation=principal.organisation,
        drafted_by=recorded(principal),
    )
    _apply(notice, data)
    return _create(principal, notice, "drafted_emergency")


def _save_m2m(notice: WarningNotice) -> None:
    for name, values in getattr(notice, "_pending_m2m", {}).items():
        getattr(notice, name).set(values)
    notice._pending_m2m = {}


def _create(principal: Principal, notice: WarningNotice, action: str) -> WarningNotice:
    notice.save()
    _save_m2m(notice)
    if notice.lineage_id is None:
        notice.start_lineage()
    _record(principal, notice, action, "", changes=audit.diff({}, audit.snapshot(notice, CONTENT_FIELDS)))
    return notice


@transaction.atomic
def update_draft(principal: Principal, notice: WarningNotice, *, data: dict) -> WarningNotice:
    require(principal, Permission.WARNING_DRAFT)
    notice = _own(principal, notice)
    if notice.status != Status.DRAFT:
        raise field_error("status", _("只有草稿可以修改。"))
    before = audit.snapshot(notice, CONTENT_FIELDS)
    _apply(notice, data)
    notice.save()
    _save_m2m(notice)
    audit.record(
        actor=principal,
        action="warning.edited",
        obj=notice,
        changes=audit.diff(before, audit.snapshot(notice, CONTENT_FIELDS)),
    )
    return notice


# ----- review with four eyes ---------------------------------------------------------------------------------


@transaction.atomic
def submit_for_review(principal: Principal, notice: WarningNotice) -> WarningNotice:
    require(principal, Permission.WARNING_DRAFT)
    notice = _own(principal, notice)
    if notice.status != Status.DRAFT:
        raise field_error("status", _("只有草稿可以送审。"))
    if notice.change == Change.ADJUSTED and not audit.diff(
        audit.snapshot(notice.supersedes, CONTENT_FIELDS), audit.snapshot(notice, CONTENT_FIELDS)
    ):
        raise field_error("data", _("调整须改变等级、范围或内容。"))
    _check_authority(notice)  # no use sending for approval what the organisation may not issue
    notice.status = Status.IN_REVIEW
    notice.save()
    _record(principal, notice, "submitted", Status.DRAFT)
    return notice


@transaction.atomic
def send_back(principal: Principal, notice: WarningNotice, *, note: str) -> WarningNotice:
    require(principal, Permission.WARNING_APPROVE)
    notice = _own(principal, notice)
    if notice.status not in (Status.IN_REVIEW, Status.APPROVED):
        raise field_error("status", _("只有审核中或待发布的预警可以退回。"))
    if not (note or "").strip():
        raise field_error("note", _("退回时请写明理由。"))
    before = notice.status
    notice.status, notice.reviewed_by = Status.DRAFT, require_person(principal)
    notice.approved_by, notice.approved_at = None, None
    notice.save()
    _record(principal, notice, "sent_back", before, note.strip())
    return notice


@transaction.atomic
def approve(principal: Principal, notice: WarningNotice) -> WarningNotice:
    """A second officer approves: never the drafter; the issuing organisation must hold the authority."""
    require(principal, Permission.WARNING_APPROVE)
    require_person(principal)
    notice = _own(principal, notice)
    if notice.status != Status.IN_REVIEW:
        raise field_error("status", _("只有审核中的预警可以批准。"))
    if notice.drafted_by_id == principal.pk:
        raise PermissionDenied(_("起草人不能批准自己起草的预警。"))
    _check_authority(notice)
    notice.status = Status.APPROVED
    notice.reviewed_by = notice.approved_by = recorded(principal)
    notice.approved_at = timezone.now()
    notice.save()
    _record(principal, notice, "approved", Status.IN_REVIEW)
    return notice


@transaction.atomic
def publish(principal: Principal, notice: WarningNotice, *, now: dt.datetime | None = None) -> WarningNotice:
    """Publish an approved version; the version it adjusts (if any) ends as superseded."""
    require(principal, Permission.WARNING_APPROVE)
    require_person(principal)
    notice = _own(principal, notice)
    if notice.status != Status.APPROVED:
        raise field_error("status", _("只有已批准的预警可以发布。"))
    now = now or timezone.now()
    _check_authority(notice)
    if notice.supersedes_id:
        _end(principal, WarningNotice.objects.select_for_update().get(pk=notice.supersedes_id), now, notice)
    notice.status, notice.current = Status.PUBLISHED, True
    notice.published_at = now
    notice.starts_at = notice.starts_at or now
    notice.save()
    _record(principal, notice, "published", Status.APPROVED)
    emergency.on_publish(notice, now)
    inbox.deliver(notice)
    fan_out_on_commit(notice)
    return notice


def _end(principal: Principal, previous: WarningNotice, now: dt.datetime, by: WarningNotice) -> None:
    if previous.status != Status.PUBLISHED:
        raise field_error("supersedes", _("被调整的版本已不在发布状态。"))
    previous.status, previous.ended_at, previous.current = Status.SUPERSEDED, now, False
    previous.save()
    _record(principal, previous, "superseded", Status.PUBLISHED, by.reference)


# ----- adjustment and lifting (Art.24, R-RR-4) ----------------------------------------------------------------


def current(notice: WarningNotice) -> WarningNotice:
    """The newest version of the notice's lineage."""
    return newest_version(notice)


def _cited(principal: Principal, notice: WarningNotice, assessment: Assessment | None) -> Assessment | None:
    """An assessment a new version cites: confirmed, in the principal's jurisdiction, and — for a warning that
    already rests on one — a version of the same assessment (a newer one, after re-assessment)."""
    if assessment is None:
        return None
    if not Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists():
        raise field_error("assessment", _("请选择本辖区内的研判。"))
    assessment = Assessment.objects.get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.CONFIRMED:
        raise field_error("assessment", _("只能引用当前有效的已确认研判。"))
    basis = notice.assessment
    if notice.path == Path.STANDARD and basis is not None and basis.lineage_id != assessment.lineage_id:
        raise field_error("assessment", _("调整只能引用原研判的新版本（%s）。") % basis.reference)
    return assessment


@transaction.atomic
def adjust(
    principal: Principal, notice: WarningNotice, *, reason: str, data: dict, assessment: Assessment | None = None
) -> WarningNotice:
    """A level or scope change: a new draft version of a published warning, which goes through review again (and
    cannot be sent for review unless it changes something). It may cite a newer version of the assessment; an
    emergency warning's adjustment citing its confirmed assessment confirms it when published (Art.19)."""
    require(principal, Permission.WARNING_DRAFT)
    require_person(principal)
    notice = _own(principal, notice)
    reason = (reason or "").strip()
    if notice.status != Status.PUBLISHED or current(notice).pk != notice.pk:
        raise field_error("status", _("只能调整当前发布中的版本。"))
    if not reason:
        raise field_error("change_reason", _("请说明调整的理由。"))
    cited = _cited(principal, notice, assessment)
    new = _next_version(notice, principal, Change.ADJUSTED, reason)
    if cited is not None:
        new.assessment = cited
    _apply(new, data)  # may be empty: the officer edits the new draft before sending it for review
    return _create(principal, new, "adjustment_drafted")


@transaction.atomic
def confirm(
    principal: Principal,
    notice: WarningNotice,
    *,
    assessment: Assessment,
    note: str = "",
    now: dt.datetime | None = None,
) -> WarningNotice:
    """Art.19: the authority confirms an emergency warning on its confirmed assessment. The confirming version
    (a CAP Update, certainty Observed) cites the assessment and is published at once; the content stays as it
    was, so an assessment that grades the risk differently calls for an adjustment instead."""
    require(principal, Permission.WARNING_APPROVE)
    require_person(principal)
    notice = _own(principal, notice)
    if notice.status != Status.PUBLISHED or current(notice).pk != notice.pk:
        raise field_error("status", _("只能确认当前发布中的版本。"))
    if not notice.pending_confirmation:
        raise field_error("status", _("只有紧急先行发布、尚待确认的预警需要事后确认。"))
    if assessment is None:
        raise field_error("assessment", _("请选择已确认的研判。"))
    cited = _cited(principal, notice, assessment)
    if cited.confirmed_level != notice.level:
        raise field_error(
            "assessment",
            _("研判确认的等级为 %(assessed)s，与预警的 %(level)s 不同：请调整预警，而不是直接确认。")
            % {"assessed": cited.confirmed_level, "level": notice.level},
        )
    now = now or timezone.now()
    reason = (note or "").strip() or _("依据研判 %s 事后确认。") % cited.reference
    new = _next_version(notice, principal, Change.CONFIRMED, reason)
    new.assessment = cited
    new.status, new.current = Status.PUBLISHED, True
    new.published_at, new.starts_at = now, notice.starts_at
    new.approved_by, new.approved_at = person(principal), now
    new.save()
    _save_m2m(new)
    _record(
        principal, new, "confirmed", "", reason, changes=audit.facts(confirms=notice.pk, assessment=cited.reference)
    )
    _end(principal, notice, now, new)
    emergency.on_publish(new, now)
    inbox.deliver(new)
    fan_out_on_commit(new)
    return new


def _next_version(notice: WarningNotice, principal: Principal, change: str, reason: str) -> WarningNotice:
    new = notice.supersede(
        change=change,
        change_reason=reason,
        path=notice.path,
        assessment=notice.assessment,
        emergency_reason=notice.emergency_reason,
        confirmed_at=notice.confirmed_at,
        organisation=notice.organisation,
        drafted_by=person(principal) or notice.drafted_by,
        **{name: getattr(notice, name) for name in CONTENT_FIELDS},
    )
    new.index()
    new._pending_m2m = {name: list(getattr(notice, name).all()) for name in M2M_FIELDS}
    return new


@transaction.atomic
def lift(
    principal: Principal,
    notice: WarningNotice,
    *,
    reason: str,
    now: dt.datetime | None = None,
    assessment: Assessment | None = None,
) -> WarningNotice:
    """The authority confirms the risk is gone: a Cancel version is published at once and the warning ends. What
    rests on the warning downstream (control rules, measures) is ended by response.services.lifting, which calls
    this inside its own transaction (and checks the lifting conditions first); pages and jobs lift through that.
    The Cancel version may cite the assessment it rests on (a pending emergency warning's confirmed assessment)."""
    require(principal, Permission.WARNING_APPROVE)
    require_person(principal)
    notice = _own(principal, notice)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请说明解除的理由（如风险已消除）。"))
    cited = _cited(principal, notice, assessment)
    return _lift(principal, notice, reason, now or timezone.now(), cited)


def _lift(
    principal: Principal, notice: WarningNotice, reason: str, now: dt.datetime, cited: Assessment | None = None
) -> WarningNotice:
    if notice.status != Status.PUBLISHED or current(notice).pk != notice.pk:
        raise field_error("status", _("只能解除当前发布中的版本。"))
    cancel = _next_version(notice, principal, Change.LIFTED, reason)
    if cited is not None:
        cancel.assessment = cited
    cancel.status, cancel.current = Status.LIFTED, True
    cancel.published_at = cancel.ended_at = now
    cancel.approved_by = person(principal)
    cancel.approved_at = now if cancel.approved_by else None
    cancel.save()
    _save_m2m(cancel)
    notice.status, notice.ended_at, notice.current = Status.SUPERSEDED, now, False
    notice.save()
    _record(principal, notice, "superseded", Status.PUBLISHED, cancel.reference)
    _record(principal, cancel, "lifted", "", reason, changes=audit.facts(lifts=notice.pk, reason=reason))
    emergency.on_publish(cancel, now)
    emergency.close_on_lift(cancel, now)
    inbox.deliver(cancel)
    fan_out_on_commit(cancel)
    return cancel


def lift_expired(now: dt.datetime | None = None, *, cascade: Callable | None = None) -> int:
    """Lift every published warning whose validity period has ended (scheduled through response.services.lifting,
    which ends what rests on each warning with it: `cascade(notice, cancel, now)` runs in the lifting's
    transaction). Running it again lifts nothing more."""
    now = now or timezone.now()
    lifted = 0
    due = WarningNotice.objects.filter(status=Status.PUBLISHED, valid_until__isnull=False, valid_until__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            notice = WarningNotice.objects.select_for_update().get(pk=pk)
            if notice.status == Status.PUBLISHED and notice.valid_until and notice.valid_until <= now:
                cancel = _lift(None, notice, _("有效期届满，自动解除。"), now)
                if cascade is not None:
                    cascade(notice, cancel, now)
                lifted += 1
    return lifted


# ----- effect evaluation (R-RR-4) ----------------------------------------------------------------------------


def related_information_count(notice: WarningNotice) -> int:
    """Risk information received since the warning was first published that concerns the same products (an HS
    code under one of the warning's, or a named brand), within the same origins when the warning names any."""
    from django.db.models import Q

    first = WarningNotice.objects.filter(lineage_id=notice.lineage_id, version=1).values_list("published_at", flat=True)
    since = first[0] if first and first[0] else notice.published_at
    if since is None:
        return 0
    products = Q(pk__in=[])
    for code in notice.hs_codes:
        products |= Q(hs_code__code__startswith=code)
    for brand in notice.brands:
        products |= Q(brand__iexact=brand)
    items = RiskInformation.objects.filter(products, received_at__gte=since)
    if notice.origin_countries:
        origins = Q(pk__in=[])
        for code in notice.origin_countries:
            origins |= Q(origin_countries__icontains=f'"{code}"')
        items = items.filter(origins)
    return items.count()


@transaction.atomic
def evaluate(
    principal, notice: WarningNotice, *, measures_done: str, new_incidents: int, recommendation: str, note: str = ""
):
    """Record the evaluation of a published warning's effect; the system adds its own count of related reports."""

    require(principal, Permission.WARNING_DRAFT)
    require_person(principal)
    notice = _own(principal, notice)
    if notice.status not in (Status.PUBLISHED, Status.LIFTED):
        raise field_error("status", _("只能评估已发布或已解除的预警。"))
    evaluation = Evaluation(
        notice=notice,
        measures_done=(measures_done or "").strip(),
        new_incidents=new_incidents,
        recommendation=recommendation,
        note=(note or "").strip(),
        evaluated_by=recorded(principal),
        related_information=related_information_count(notice),
    )
    evaluation.full_clean()
    evaluation.save()
    audit.record(
        actor=principal,
        action="warning.evaluated",
        obj=notice,
        changes=audit.facts(
            recommendation=recommendation, new_incidents=new_incidents, related=evaluation.related_information
        ),
    )
    return evaluation
