"""The yearly appraisal rule (Art.28): what an expert's or a registered body's score is made of, read from the
registry's figures and the training record of the year. The weights are documented in docs/decisions/0025; the
rule proposes a result, an officer decides it (services/training.py)."""

import datetime as dt
from collections import Counter, defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    AppraisalResult,
    Assessment,
    BodyKind,
    CourseKind,
    Expert,
    LabTask,
    PanelSeat,
    RegisteredBody,
    Step,
    TrainingRecord,
)
from .registry import REVERSALS

REQUIRED_HOURS = 8  # training hours a year every expert and an institution's staff should have
PASS_SCORE, EXCELLENT_SCORE = 60, 90
# Weights of an expert's score: training hours, a passed examination, panel work without reversals.
EXPERT_WEIGHTS = {"training": 30, "examination": 30, "panel": 40}
# Weights of a technical institution's score: reports on time, reports not reversed, staff trained.
INSTITUTION_WEIGHTS = {"on_time": 50, "not_reversed": 30, "staff_trained": 20}
# Weights of a laboratory's score: tasks completed, staff trained.
LABORATORY_WEIGHTS = {"completed": 80, "staff_trained": 20}


def _year(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def training_of(year: int) -> dict[int, dict]:
    """Per expert: attended training hours, examinations taken and passed in the year."""
    out: dict[int, dict] = defaultdict(lambda: {"hours": 0, "exams": 0, "exams_passed": 0})
    records = TrainingRecord.objects.filter(course__held_on__year=year, attended=True).select_related("course")
    for record in records:
        f = out[record.expert_id]
        if record.course.kind == CourseKind.TRAINING:
            f["hours"] += record.course.hours
        else:
            f["exams"] += 1
            f["exams_passed"] += bool(record.passed)
    return out


def _reversed_assessments(start: dt.datetime, end: dt.datetime) -> set[int]:
    return set(
        Step.objects.filter(action__in=REVERSALS, at__gte=start, at__lt=end).values_list("assessment_id", flat=True)
    )


def result_of(score: float, failed_exam: bool = False) -> str:
    if failed_exam or score < PASS_SCORE:
        return AppraisalResult.FAIL
    return AppraisalResult.EXCELLENT if score >= EXCELLENT_SCORE else AppraisalResult.PASS


def expert_scores(year: int) -> dict[int, tuple[dict, int, str]]:
    """Per active expert: (inputs, score, proposed result). A failed examination not passed again fails."""
    start, end = _year(year)
    training = training_of(year)
    reversed_ = _reversed_assessments(start, end)
    seats: dict[int, list[int]] = defaultdict(list)
    for expert, assessment in PanelSeat.objects.filter(seated_at__gte=start, seated_at__lt=end).values_list(
        "expert_id", "assessment_id"
    ):
        seats[expert].append(assessment)
    out = {}
    for expert in Expert.objects.filter(active=True).values_list("pk", flat=True):
        t = training[expert]
        sat = seats.get(expert, [])
        reversals = sum(a in reversed_ for a in sat)
        w = EXPERT_WEIGHTS
        score = (
            w["training"] * min(t["hours"] / REQUIRED_HOURS, 1)
            + (w["examination"] if t["exams_passed"] else 0)
            + w["panel"] * (1 - reversals / len(sat) if sat else 1)
        )
        failed_exam = t["exams"] > 0 and not t["exams_passed"]
        inputs = {**t, "panels": len(sat), "panels_reversed": reversals, "failed_exam": failed_exam}
        out[expert] = (inputs, round(score), result_of(score, failed_exam))
    return out


def body_scores(year: int) -> dict[int, tuple[dict, int, str]]:
    """Per registered technical institution and verification laboratory: (inputs, score, proposed result)."""
    start, end = _year(year)
    training = training_of(year)
    staff, trained = Counter(), Counter()
    for expert, organisation in Expert.objects.filter(active=True, organisation__isnull=False).values_list(
        "pk", "organisation_id"
    ):
        staff[organisation] += 1
        trained[organisation] += training[expert]["hours"] >= REQUIRED_HOURS
    reversed_ = _reversed_assessments(start, end)
    out = {}
    for body in RegisteredBody.objects.exclude(kind=BodyKind.SOCIAL_ASSESSMENT_BODY):
        org = body.organisation_id
        share = trained[org] / staff[org] if staff[org] else 0
        base = {"staff": staff[org], "staff_trained": trained[org]}
        if body.kind == BodyKind.TECHNICAL_INSTITUTION:
            submitted = list(
                Assessment.objects.filter(institution_id=org, submitted_at__gte=start, submitted_at__lt=end)
                .values_list("pk", "submitted_at", "due_at")
            )  # fmt: skip
            on_time = sum(s <= d for _pk, s, d in submitted)
            reversals = sum(pk in reversed_ for pk, _s, _d in submitted)
            w = INSTITUTION_WEIGHTS
            score = (
                w["on_time"] * (on_time / len(submitted) if submitted else 1)
                + w["not_reversed"] * (1 - reversals / len(submitted) if submitted else 1)
                + w["staff_trained"] * share
            )
            inputs = {**base, "submitted": len(submitted), "on_time": on_time, "reversed": reversals}
        else:
            tasks = LabTask.objects.filter(laboratory_id=org, requested_at__gte=start, requested_at__lt=end)
            total, done = tasks.count(), tasks.filter(completed_at__isnull=False).count()
            w = LABORATORY_WEIGHTS
            score = w["completed"] * (done / total if total else 1) + w["staff_trained"] * share
            inputs = {**base, "tasks": total, "completed": done}
        out[body.pk] = (inputs, round(score), result_of(score))
    return out


INPUT_LABELS = {
    "hours": _("培训学时"),
    "exams": _("参加考试"),
    "exams_passed": _("考试合格"),
    "failed_exam": _("考试不合格"),
    "panels": _("入组研判"),
    "panels_reversed": _("其中被退回或改判"),
    "staff": _("在库专家"),
    "staff_trained": _("学时达标的专家"),
    "submitted": _("提交报告"),
    "on_time": _("按时提交"),
    "reversed": _("被退回或改判"),
    "tasks": _("验证任务"),
    "completed": _("已完成"),
}


def described(inputs: dict) -> list[tuple[str, object]]:
    """An appraisal's inputs as the page shows them: label and value, in the order above."""
    yes, no = _("是"), _("否")
    return [
        (str(label), (yes if inputs[key] else no) if isinstance(inputs[key], bool) else inputs[key])
        for key, label in INPUT_LABELS.items()
        if key in inputs
    ]
