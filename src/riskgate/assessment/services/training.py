"""Training, examinations and the yearly appraisal of experts and registered bodies (Art.28): kept by the national
authority (总局 or its warning office); each write is checked, validated and audited in one transaction."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person

from .. import appraisal
from ..models import Appraisal, AppraisalResult, Course, CourseKind, Expert, ExpertiseField, TrainingRecord
from ..queries import may_train


def _require(principal: Principal):
    require(principal, Permission.ASSESSMENT_REQUEST)
    if not may_train(principal):
        raise PermissionDenied
    return require_person(principal)


@transaction.atomic
def add_course(principal: Principal, data: dict) -> Course:
    user = _require(principal)
    title = (data.get("title") or "").strip()
    if not title:
        raise field_error("title", _("请填写名称。"))
    kind = data.get("kind")
    if kind not in CourseKind.values:
        raise field_error("kind", _("请选择培训或考试。"))
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date):
        raise field_error("held_on", _("请填写举办日期。"))
    hours = data.get("hours")
    if not isinstance(hours, int) or not 1 <= hours <= 200:
        raise field_error("hours", _("学时应在 1 至 200 之间。"))
    pass_mark = data.get("pass_mark")
    if kind == CourseKind.EXAMINATION and (not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100):
        raise field_error("pass_mark", _("考试应填写 1 至 100 之间的合格分数。"))
    fields = [f for f in data.get("fields") or [] if f in ExpertiseField.values]
    course = Course.objects.create(
        title=title[:200],
        kind=kind,
        fields=fields,
        held_on=held_on,
        hours=hours,
        pass_mark=pass_mark if kind == CourseKind.EXAMINATION else None,
        organisation=principal.organisation,
        created_by=user,
    )
    audit.record(actor=principal, action="assessment.course_added", obj=course, changes=audit.facts(kind=kind))
    return course


@transaction.atomic
def record_training(principal: Principal, course: Course, data: dict) -> TrainingRecord:
    """Record (or correct) an expert's attendance of a course and, for an examination, the score."""
    user = _require(principal)
    expert = data.get("expert")
    if not isinstance(expert, Expert):
        raise field_error("expert", _("请选择专家。"))
    attended = bool(data.get("attended"))
    score = data.get("score")
    if course.kind == CourseKind.EXAMINATION and attended:
        if not isinstance(score, int) or not 0 <= score <= 100:
            raise field_error("score", _("参加考试的，请填写 0 至 100 之间的成绩。"))
    else:
        score = None
    record, created = TrainingRecord.objects.update_or_create(
        course=course,
        expert=expert,
        defaults={"attended": attended, "score": score, "recorded_by": user, "recorded_at": timezone.now()},
    )
    audit.record(
        actor=principal,
        action="assessment.training_recorded",
        obj=course,
        changes=audit.facts(expert=expert.pk, attended=attended, score=score, corrected=not created),
    )
    return record


@transaction.atomic
def draft_appraisals(principal: Principal, year: int) -> int:
    """Score every active expert and registered body for the year by the documented rule; an appraisal already
    decided is left as it is, an undecided one is scored again. Returns how many were (re)scored."""
    _require(principal)
    if not 2000 <= year <= timezone.localdate().year:
        raise field_error("year", _("只能考核已开始的年度。"))
    decided = set(Appraisal.objects.filter(year=year, decided_at__isnull=False).values_list("expert_id", "body_id"))
    count = 0
    for subject, scores in (("expert", appraisal.expert_scores(year)), ("body", appraisal.body_scores(year))):
        for pk, (inputs, score, proposed) in scores.items():
            key = (pk, None) if subject == "expert" else (None, pk)
            if key in decided:
                continue
            Appraisal.objects.update_or_create(
                year=year, **{f"{subject}_id": pk}, defaults={"inputs": inputs, "score": score, "proposed": proposed}
            )
            count += 1
    audit.record(
        actor=principal, action="assessment.appraisals_drafted", obj=None, changes=audit.facts(year=year, scored=count)
    )
    return count


@transaction.atomic
def decide_appraisal(principal: Principal, item: Appraisal, data: dict) -> Appraisal:
    """Decide an appraisal's result: the proposed one, or another with a reason. A decided result of an expert
    (the latest year's) is kept on the expert: a failed one keeps the expert off new panels."""
    _require(principal)
    item = Appraisal.objects.select_for_update().get(pk=item.pk)
    if item.decided_at is not None:
        raise field_error("result", _("该考核结果已确定。"))
    result = data.get("result") or item.proposed
    if result not in AppraisalResult.values:
        raise field_error("result", _("请选择考核结果。"))
    reason = (data.get("reason") or "").strip()
    if result != item.proposed and not reason:
        raise field_error("reason", _("考核结果与按规则评定的不同，请写明理由。"))
    item.result, item.reason = result, reason[:2000]
    item.decided_by, item.decided_at = require_person(principal), timezone.now()
    item.save()
    if item.expert_id is not None:
        latest = Appraisal.objects.filter(expert_id=item.expert_id, decided_at__isnull=False).order_by("-year").first()
        Expert.objects.filter(pk=item.expert_id).update(appraisal=latest.result)
    audit.record(
        actor=principal,
        action="assessment.appraisal_decided",
        obj=item,
        changes=audit.facts(year=item.year, result=result, proposed=item.proposed),
        reason=reason,
    )
    return item
