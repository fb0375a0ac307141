"""The registries (R-ASM-6) and their performance figures: on-time rate, extensions, reversals at confirmation."""

from collections import Counter, defaultdict

from django.db.models import Count, Q

from .models import Assessment, BodyKind, ConflictDeclaration, DueDateChange, Expert, LabTask, RegisteredBody, Step

REVERSALS = ("returned", "amended")  # the authority sent the report back, or confirmed another level


def institution_figures() -> dict[int, dict]:
    """Per assigned institution: assessments, reports submitted, of which on time, extensions granted, reversals."""
    figures: dict[int, dict] = defaultdict(Counter)
    rows = Assessment.objects.exclude(institution=None).values(
        "pk", "institution_id", "due_at", "submitted_at", "status"
    )
    by_assessment = {}
    for row in rows:
        f = figures[row["institution_id"]]
        by_assessment[row["pk"]] = row["institution_id"]
        f["assessments"] += 1
        if row["submitted_at"]:
            f["submitted"] += 1
            f["on_time"] += row["submitted_at"] <= row["due_at"]
    for row in DueDateChange.objects.filter(kind=DueDateChange.Kind.GRANTED, assessment__in=by_assessment).values(
        "assessment_id"
    ):
        figures[by_assessment[row["assessment_id"]]]["extensions"] += 1
    for row in Step.objects.filter(action__in=REVERSALS, assessment__in=by_assessment).values("assessment_id"):
        figures[by_assessment[row["assessment_id"]]]["reversals"] += 1
    return {org: _rates(f) for org, f in figures.items()}


def _rates(f: Counter) -> dict:
    out = dict(f)
    out["on_time_rate"] = f["on_time"] / f["submitted"] if f["submitted"] else None
    return out


def expert_figures() -> dict[int, dict]:
    seats = Expert.objects.annotate(
        seated=Count("seats", distinct=True),
        approvals=Count("seats", filter=Q(seats__vote="approve"), distinct=True),
        dissents=Count("seats", filter=Q(seats__vote="dissent"), distinct=True),
    ).values("pk", "seated", "approvals", "dissents")
    conflicts = Counter(ConflictDeclaration.objects.filter(has_conflict=True).values_list("expert_id", flat=True))
    return {row["pk"]: {**row, "conflicts": conflicts.get(row["pk"], 0)} for row in seats}


def laboratory_figures() -> dict[int, dict]:
    figures: dict[int, dict] = defaultdict(lambda: {"tasks": 0, "completed": 0, "days": [], "failed": 0})
    for task in LabTask.objects.prefetch_related("results"):
        f = figures[task.laboratory_id]
        f["tasks"] += 1
        if task.completed_at:
            f["completed"] += 1
            f["days"].append((task.completed_at - task.requested_at).total_seconds() / 86400)
            f["failed"] += task.passed is False
    for f in figures.values():
        days = f.pop("days")
        f["mean_days"] = sum(days) / len(days) if days else None
    return dict(figures)


def figures() -> dict:
    bodies = RegisteredBody.objects.select_related("organisation")
    institutions, labs = institution_figures(), laboratory_figures()
    experts = expert_figures()
    return {
        "institutions": [
            (b, institutions.get(b.organisation_id, {})) for b in bodies if b.kind == BodyKind.TECHNICAL_INSTITUTION
        ],
        "laboratories": [
            (b, labs.get(b.organisation_id, {})) for b in bodies if b.kind == BodyKind.VERIFICATION_LABORATORY
        ],
        "social_bodies": [b for b in bodies if b.kind == BodyKind.SOCIAL_ASSESSMENT_BODY],
        "experts": [(e, experts.get(e.pk, {})) for e in Expert.objects.select_related("organisation")],
    }
