"""Every write of credit: credit events (from every app, idempotently), the grade computed from them and kept with
its history, manual overrides approved by a second officer, and the nightly recomputation (events fade)."""

import datetime as dt

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.fastpath import bulk
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, require_person

from .. import queries, scoring
from ..models import GRADE_ORDER, CreditEvent, CreditGrade, CreditRecord, EventType, GradeChange, GradeOverride
from ..models import OverrideStatus as O
from . import sharing


def record_event(
    *, enterprise: Organisation, kind: str, source: str, detail: str, occurred_at, recorded_by=None
) -> bool:
    """A fact for the enterprise's credit record, once per (enterprise, kind, source), and the grade computed
    again: True if the fact is new. `kind` must be an event type's code (the caller's programming error otherwise)."""
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        return False  # only enterprises have credit records (a responsible party may be an agency)
    if not EventType.objects.filter(code=kind).exists():
        raise ValueError(f"unknown credit event type {kind!r}")
    with transaction.atomic():
        event, created = CreditEvent.objects.get_or_create(
            enterprise=enterprise,
            kind=kind,
            source=source,
            defaults={
                "occurred_at": occurred_at,
                "detail": detail[:5000],
                "recorded_by": recorded_by,
            },
        )
        if created:
            recompute(enterprise, cause=event)
    return created


def withdraw_event(*, enterprise: Organisation, kind: str, source: str, reason: str) -> bool:
    """The fact was corrected at its source (a result recorded again): the event goes, the grade is computed
    again and the withdrawal audited. True if there was one."""
    with transaction.atomic():
        event = CreditEvent.objects.filter(enterprise=enterprise, kind=kind, source=source).first()
        if event is None:
            return False
        audit.record(
            actor=None,
            action="credit_event.withdrawn",
            obj=event,
            changes={"kind": kind, "source": source, "occurred_at": event.occurred_at, "detail": event.detail},
            reason=reason[:500],
            organisation_id=enterprise.pk,
        )
        event.delete()
        recompute(enterprise, now=None)
    return True


@transaction.atomic
def record_by_officer(principal: Principal, enterprise: Organisation, data: dict) -> CreditEvent:
    """An officer records a fact that no module of the platform produces (an administrative penalty decided
    elsewhere, an award, a certification): with its source document's number; audited."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    enterprise = _enterprise(principal, enterprise)
    kind = EventType.objects.filter(code=data.get("kind") or "").first()
    if kind is None:
        raise field_error("kind", _("请选择事件类型。"))
    source = (data.get("source") or "").strip()
    if not source:
        raise field_error("source", _("请填写来源文书编号（如处罚决定书文号）。"))
    detail = (data.get("detail") or "").strip()
    if not detail:
        raise field_error("detail", _("请写明事实。"))
    occurred = data.get("occurred_on")
    if occurred is None:
        raise field_error("occurred_on", _("请填写发生日期。"))
    if occurred > timezone.localdate():
        raise field_error("occurred_on", _("发生日期不能晚于今天。"))
    source = f"document:{source}"[:60]
    if CreditEvent.objects.filter(enterprise=enterprise, kind=kind.code, source=source).exists():
        raise field_error("source", _("该文书已记录为此类事件。"))
    occurred_at = timezone.make_aware(dt.datetime.combine(occurred, dt.time(12)))
    record_event(
        enterprise=enterprise,
        kind=kind.code,
        source=source,
        detail=detail,
        occurred_at=occurred_at,
        recorded_by=person(principal),
    )
    event = CreditEvent.objects.get(enterprise=enterprise, kind=kind.code, source=source)
    audit.record(
        actor=principal,
        action="credit_event.recorded",
        obj=event,
        changes={"kind": kind.code, "source": source, "occurred_at": occurred_at},
        reason=detail[:500],
        organisation_id=enterprise.pk,
    )
    return event


def _enterprise(principal: Principal, enterprise: Organisation) -> Organisation:
    found = Organisation.objects.visible_to(principal).filter(pk=enterprise.pk).first()
    if found is None or found.kind != OrganisationKind.ENTERPRISE:
        raise field_error("enterprise", _("该企业不存在或不在您的辖区内。"))
    return found


# -- the computed grade ------------------------------------------------------------------------------------------


def _ages(now: dt.datetime, occurred) -> np.ndarray:
    return np.array([(now - when).total_seconds() / scoring.DAY for when in occurred], dtype=float)


def recompute(enterprise: Organisation, *, cause: CreditEvent | None = None, now: dt.datetime | None = None):
    """The enterprise's grade computed again from its events, inside the caller's transaction; a change of the
    grade in force is kept in the history and audited. Returns the record."""
    now = now or timezone.now()
    types = queries.event_types()
    index = {code: i for i, code in enumerate(types.codes)}
    events = list(CreditEvent.objects.filter(enterprise=enterprise).values_list("kind", "occurred_at"))
    kinds = np.array([index[k] for k, _when in events], dtype=np.intp)
    result = scoring.grade(types, np.zeros(len(events), dtype=np.intp), kinds, _ages(now, [w for _k, w in events]), 1)
    record, _created = CreditRecord.objects.select_for_update().get_or_create(enterprise=enterprise)
    record.score = round(float(result.score[0]), 2)
    record.computed_grade = GRADE_ORDER[int(result.grade[0])]
    record.computed_at = now
    reason = _("由信用事件计算：%s") % (_event_words(cause) if cause else _("定期重算"))
    _apply(record, reason=reason, actor=None)
    return record


def _event_words(event: CreditEvent) -> str:
    kind = EventType.objects.filter(code=event.kind).values_list("name", flat=True).first() or event.kind
    return f"{kind}（{event.source}）"


def _apply(record: CreditRecord, *, reason: str, actor) -> None:
    """Save the record with the grade in force (the override's while one is, the computed one otherwise); a
    change goes into the history and the audit trail."""
    in_force = record.override if record.override_id and record.override.status == O.IN_FORCE else None
    record.override = in_force
    grade = in_force.grade if in_force else record.computed_grade
    before = record.grade
    record.grade = grade
    if grade != before:
        record.graded_at = timezone.now()
    record.save()
    if grade == before:
        return
    GradeChange.objects.create(
        enterprise=record.enterprise,
        before=before,
        after=grade,
        reason=reason,
        score=record.score,
        override=in_force,
        changed_by=person(actor) if actor else None,
    )
    sharing.log_grades([(record.enterprise_id, before, grade)])
    audit.record(
        actor=actor,
        action="organisation.credit_grade_changed",
        obj=record.enterprise,
        changes={"credit_grade": [before, grade]},
        reason=reason,
        organisation_id=record.enterprise_id,
    )


def recompute_all(now: dt.datetime | None = None) -> dict:
    """Scheduled nightly (and `manage.py recompute_credit_grades`): overrides past their date end, and every
    enterprise's grade is computed again — events fade, so grades move without new events. One vectorised
    computation over all events; only the records that change are written, each change kept in the history,
    and the run audited once with the enterprises it changed. Idempotent: a second run changes nothing."""
    now = now or timezone.now()
    ended = _end_expired_overrides(now)
    types = queries.event_types()
    ids, enterprise, kinds, occurred = queries.event_columns(types.codes)
    result = scoring.grade(types, enterprise, kinds, (now.timestamp() - occurred) / scoring.DAY, len(ids))
    scores = np.round(result.score, 2)
    with transaction.atomic():
        regular = CreditGrade.REGULAR.value
        missing = [(None, pk, None, regular, regular, None) for pk in queries.enterprises_without_record()]
        overrides = queries.overrides_in_force()
        position = {int(pk): i for i, pk in enumerate(ids)}
        changed, history = [], []
        for pk, enterprise_id, old_score, old_computed, old_grade, old_override in [*queries.record_rows(), *missing]:
            i = position.get(enterprise_id)
            score = float(scores[i]) if i is not None else scoring.BASE
            computed = GRADE_ORDER[int(result.grade[i])] if i is not None else CreditGrade.REGULAR
            override_id, grade = overrides.get(enterprise_id, (None, computed))
            if (old_score, old_computed, old_grade, old_override) == (score, computed, grade, override_id):
                continue
            record = CreditRecord(
                pk=pk,
                enterprise_id=enterprise_id,
                score=score,
                computed_grade=computed,
                grade=grade,
                override_id=override_id,
                computed_at=now,
            )
            if grade != old_grade:
                history.append(
                    GradeChange(
                        enterprise_id=enterprise_id,
                        before=old_grade,
                        after=grade,
                        reason=_("定期重算（事件随时间衰减）"),
                        score=score,
                        override_id=override_id,
                    )
                )
            changed.append(record)
            record.graded_at = now if grade != old_grade else None
        # New records are inserted with their values (an enterprise's first night), the others updated.
        bulk.insert_rows([r for r in changed if r.pk is None], CreditRecord)
        stored = [r for r in changed if r.pk is not None]
        bulk.update_rows(stored, ["score", "computed_grade", "grade", "override", "computed_at"], CreditRecord)
        bulk.update_rows([r for r in stored if r.graded_at], ["graded_at"], CreditRecord)
        bulk.insert_rows(history, GradeChange)
        sharing.log_grades([(c.enterprise_id, c.before, c.after) for c in history])
        if history or ended:
            audit.record(
                actor=None,
                action="credit.grades_recomputed",
                object_type="credit.creditrecord",
                changes={
                    "grades_changed": {str(c.enterprise_id): [c.before, c.after] for c in history},
                    "overrides_ended": ended,
                },
                reason=_("定期重算信用等级"),
            )
    return {"records_updated": len(changed), "grades_changed": len(history), "overrides_ended": len(ended)}


def _end_expired_overrides(now: dt.datetime) -> list[int]:
    ended = []
    today = timezone.localdate(now)
    for override in GradeOverride.objects.filter(status=O.IN_FORCE, until__lt=today).select_related("enterprise"):
        with transaction.atomic():
            if GradeOverride.objects.filter(pk=override.pk, status=O.IN_FORCE).update(status=O.ENDED, ended_at=now):
                ended.append(override.pk)
    return ended


# -- manual overrides (a second officer approves) -----------------------------------------------------------------


@transaction.atomic
def propose_override(
    principal: Principal, enterprise: Organisation, grade: str, *, reason: str, until=None
) -> GradeOverride:
    """An officer proposes a grade in place of the computed one, with a reason; it is in force only once a second
    officer approves it."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    require_person(principal)
    enterprise = _enterprise(principal, enterprise)
    if grade not in CreditGrade.values:
        raise field_error("grade", _("未知的信用等级。"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请说明调整的理由。"))
    if until is not None and until <= timezone.localdate():
        raise field_error("until", _("有效期须晚于今天。"))
    if GradeOverride.objects.filter(enterprise=enterprise, status=O.PROPOSED).exists():
        raise field_error("grade", _("该企业已有待复核的等级调整。"))
    current = queries.grade_of(enterprise)
    if grade == current:
        raise field_error("grade", _("该企业已是此信用等级。"))
    override = GradeOverride.objects.create(
        enterprise=enterprise, grade=grade, reason=reason[:5000], until=until, proposed_by=person(principal)
    )
    audit.record(
        actor=principal,
        action="credit_override.proposed",
        obj=override,
        changes={"grade": [current, grade], "until": until},
        reason=reason[:500],
        organisation_id=enterprise.pk,
    )
    return override


@transaction.atomic
def decide_override(principal: Principal, override: GradeOverride, *, approve: bool, note: str = "") -> GradeOverride:
    """A second officer — never the one who proposed it — approves (the grade is in force at once) or rejects."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    reviewer = require_person(principal)
    override = GradeOverride.objects.visible_to(principal).select_for_update().filter(pk=override.pk).first()
    if override is None:
        raise PermissionDenied
    if override.status != O.PROPOSED:
        raise field_error("status", _("该调整已复核。"))
    if override.proposed_by_id == reviewer.pk:
        raise field_error("status", _("复核须由提出人以外的另一名人员进行。"))
    note = (note or "").strip()
    if not approve and not note:
        raise field_error("note", _("不通过须写明意见。"))
    override.status = O.IN_FORCE if approve else O.REJECTED
    override.decided_by, override.decided_at, override.decision_note = reviewer, timezone.now(), note[:5000]
    override.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        actor=principal,
        action="credit_override.approved" if approve else "credit_override.rejected",
        obj=override,
        changes={"grade": override.grade},
        reason=note[:500],
        organisation_id=override.enterprise_id,
    )
    if approve:
        record, _created = CreditRecord.objects.select_for_update().get_or_create(enterprise=override.enterprise)
        if record.override_id:
            GradeOverride.objects.filter(pk=record.override_id, status=O.IN_FORCE).update(
                status=O.ENDED, ended_at=timezone.now()
            )
        record.override = override
        reason = _("人工调整（%(by)s 提出，%(to)s 复核）：%(why)s") % _override_words(override)
        _apply(record, reason=reason, actor=principal)
    return override


def _override_words(override: GradeOverride) -> dict:
    return {
        "by": override.proposed_by.full_name or override.proposed_by.username,
        "to": override.decided_by.full_name or override.decided_by.username,
        "why": override.reason,
    }


@transaction.atomic
def end_override(principal: Principal, override: GradeOverride, *, reason: str) -> GradeOverride:
    """An officer ends an override in force: the computed grade applies again."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    override = GradeOverride.objects.visible_to(principal).select_for_update().filter(pk=override.pk).first()
    if override is None:
        raise PermissionDenied
    if override.status != O.IN_FORCE:
        raise field_error("status", _("该调整不在生效中。"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请说明结束的理由。"))
    override.status, override.ended_at = O.ENDED, timezone.now()
    override.save(update_fields=["status", "ended_at"])
    audit.record(
        actor=principal, action="credit_override.ended", obj=override, reason=reason[:500],
        organisation_id=override.enterprise_id,
    )  # fmt: skip
    record = CreditRecord.objects.select_for_update().get(enterprise=override.enterprise)
    record.override = None
    _apply(record, reason=_("人工调整结束：%s") % reason, actor=principal)
    return override


# -- the measure's effect ----------------------------------------------------------------------------------------


def downgrade(principal: Principal, enterprise: Organisation, *, source: str, reason: str, occurred_at=None) -> str:
    """The effect of a "credit downgrade" rapid-response measure (Art.22), which the caller has authorised: a
    credit event whose points take the grade down (once per source); the computed grade follows, kept in the
    history and audited — and with it the border's supervision factor. Returns the grade after."""
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise field_error("target_enterprise", _("信用降级的对象须为企业。"))
    record_event(
        enterprise=enterprise,
        kind="measure_credit_downgrade",
        source=source,
        detail=reason,
        occurred_at=occurred_at or timezone.now(),
        recorded_by=person(principal),
    )
    return queries.grade_of(enterprise)
