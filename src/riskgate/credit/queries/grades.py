"""Reads of credit: an enterprise's grade and why, its events and history, the grades the border applies, the
columns the nightly recomputation reads, and what changed last."""

import datetime as dt

import numpy as np
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core.fastpath.lookup import EpochSeconds, no_collection, raw_values
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.core.work import WorkItem, group, present

from .. import scoring
from ..models import GRADE_ORDER, CreditEvent, CreditGrade, CreditRecord, EventType, GradeChange, GradeOverride
from ..models import OverrideStatus as O


def grade_of(enterprise) -> str:
    """The enterprise's current grade (regular without a record)."""
    record = CreditRecord.objects.filter(enterprise=enterprise).values_list("grade", flat=True).first()
    return record or CreditGrade.REGULAR


def grade_label(grade: str) -> str:
    return str(CreditGrade(grade).label)


def graded(enterprises: QuerySet) -> list:
    """The enterprises, each with `credit_grade` (its value) and `credit_grade_label` set."""
    rows = list(enterprises)
    grades = dict(
        CreditRecord.objects.filter(enterprise__in=[e.pk for e in rows]).values_list("enterprise_id", "grade")
    )
    for enterprise in rows:
        enterprise.credit_grade = grades.get(enterprise.pk, CreditGrade.REGULAR)
        enterprise.credit_grade_label = grade_label(enterprise.credit_grade)
    return rows


def grades_other_than(default: str) -> list[tuple[str, str, str]]:
    """(USCC, customs code, grade) of every enterprise whose grade is not `default`: what the screening engine
    needs to apply grades (an enterprise without a record has the regular grade)."""
    return list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
        .annotate(grade=Coalesce(F("credit_record__grade"), Value(CreditGrade.REGULAR.value)))
        .exclude(grade=default)
        .values_list("uscc", "customs_code", "grade")
    )


def version() -> int:
    """A number that changes whenever a grade changes (the last change's id): readers that cache grades, such as
    the screening engine of each worker, compare it to know when to read them again."""
    return GradeChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


# -- the computation's inputs ------------------------------------------------------------------------------------


def event_types() -> scoring.Types:
    rank = {grade: i for i, grade in enumerate(GRADE_ORDER)}
    return scoring.Types.of(
        [
            (code, points, half, lasts, rank.get(ceiling), certifies, cap)
            for code, points, half, lasts, ceiling, certifies, cap in EventType.objects.order_by("code").values_list(
                "code", "points", "half_life_days", "lasts_days", "ceiling", "certifies", "cap"
            )
        ]
    )


def event_columns(codes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every credit event as columns: (the enterprises' ids, each event's index into them, its type's index into
    `codes`, its time in seconds since the epoch). Read without the ORM's converters, the times converted by the
    database (2,000,000 rows: bench/credit)."""
    events = CreditEvent.objects.order_by().annotate(at=EpochSeconds("occurred_at"))
    with no_collection():
        rows = raw_values(events, "enterprise_id", "kind", "at")
        if not rows:
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty, empty, np.zeros(0, dtype=float)
        enterprise_ids, kinds, times = zip(*rows, strict=True)
        del rows
        ids, position = np.unique(np.array(enterprise_ids, dtype=np.int64), return_inverse=True)
        index = {code: i for i, code in enumerate(codes)}
        kind = np.array([index[k] for k in kinds], dtype=np.intp)
        return ids, position.astype(np.intp), kind, np.array(times, dtype=float)


def enterprises_without_record() -> list[int]:
    return list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, credit_record__isnull=True).values_list(
            "pk", flat=True
        )
    )


def record_rows() -> list[tuple]:
    """(id, enterprise id, score, computed grade, grade, override id) of every credit record."""
    return list(
        CreditRecord.objects.order_by().values_list(
            "pk", "enterprise_id", "score", "computed_grade", "grade", "override_id"
        )
    )


def overrides_in_force() -> dict[int, tuple[int, str]]:
    """enterprise id → (override id, grade) of the approved overrides in force."""
    return {
        enterprise_id: (pk, grade)
        for pk, enterprise_id, grade in GradeOverride.objects.filter(status=O.IN_FORCE).values_list(
            "pk", "enterprise_id", "grade"
        )
    }


# -- what a person reads -----------------------------------------------------------------------------------------


def explanation(enterprise: Organisation, now: dt.datetime | None = None) -> dict:
    """Why the enterprise has its grade, event by event: each event's type, source, date, points, how much of them
    still count and its contribution; the score, the thresholds, the ceilings and certification that decided, and
    the override if one is in force. Computed now by the same function as the stored grade."""
    now = now or timezone.now()
    types = event_types()
    index = {code: i for i, code in enumerate(types.codes)}
    named = {t.code: t for t in EventType.objects.all()}
    events = list(CreditEvent.objects.filter(enterprise=enterprise).select_related("recorded_by"))
    kinds = np.array([index[e.kind] for e in events], dtype=np.intp)
    ages = np.array([(now - e.occurred_at).total_seconds() / scoring.DAY for e in events], dtype=float)
    result = scoring.grade(types, np.zeros(len(events), dtype=np.intp), kinds, ages, 1)
    rows = []
    for i, event in enumerate(events):
        kind = named[event.kind]
        rows.append(
            {
                "event": event,
                "type": kind,
                "points": kind.points,
                "weight": round(float(result.weight[i]), 3),
                "contribution": round(float(result.contribution[i]), 2),
                "counts": bool(result.weight[i] > 0),
                "ceiling": kind.get_ceiling_display() if kind.ceiling and result.weight[i] > 0 else "",
                "certifies": kind.certifies and result.weight[i] > 0,
            }
        )
    sums: dict[str, float] = {}
    for row in rows:
        sums[row["type"].code] = sums.get(row["type"].code, 0.0) + row["contribution"]
    capped = [
        {"type": named[code], "total": round(total, 2), "cap": named[code].cap}
        for code, total in sums.items()
        if named[code].cap is not None and abs(total) > named[code].cap
    ]
    record = CreditRecord.objects.filter(enterprise=enterprise).select_related("override").first()
    computed = GRADE_ORDER[int(result.grade[0])]
    override = record.override if record and record.override_id else None
    return {
        "events": rows,
        "base": scoring.BASE,
        "score": round(float(result.score[0]), 2),
        "computed_grade": computed,
        "computed_label": grade_label(computed),
        "grade": override.grade if override else computed,
        "grade_label": grade_label(override.grade if override else computed),
        "stored_grade": record.grade if record else CreditGrade.REGULAR,
        "override": override,
        "certified": any(r["certifies"] for r in rows),
        "ceilings": [r for r in rows if r["ceiling"]],
        "capped": capped,
        "thresholds": {"advanced": scoring.ADVANCED_AT, "dishonest": scoring.DISHONEST_BELOW},
    }


def visible_enterprise(principal: Principal, pk: int) -> Organisation | None:
    return (
        Organisation.objects.visible_to(principal).filter(pk=pk, kind=OrganisationKind.ENTERPRISE).first()
        if principal.has_permission(Permission.CREDIT_RECORD_VIEW)
        else None
    )


def enterprise_section(user, org) -> dict | None:
    """The credit section of an enterprise's page: its grade and why, event by event; the history; overrides;
    what the reader may do. The internal score is shown to those who manage credit only."""
    if org.kind != OrganisationKind.ENTERPRISE or not user.has_permission(Permission.CREDIT_RECORD_VIEW):
        return None
    if not Organisation.objects.visible_to(user).filter(pk=org.pk).exists():
        return None
    manager = user.has_permission(Permission.CREDIT_RECORD_MANAGE)
    return {
        "org": org,
        "why": explanation(org),
        "history": list(GradeChange.objects.filter(enterprise=org).select_related("changed_by")[:20]),
        "overrides": list(
            GradeOverride.objects.filter(enterprise=org).select_related("proposed_by", "decided_by")[:10]
        ),
        "internal": manager,
        "manager": manager,
    }


def pending_overrides(principal: Principal) -> QuerySet:
    """Overrides waiting for a second officer, other than the principal's own proposals."""
    return (
        GradeOverride.objects.visible_to(principal)
        .filter(status=O.PROPOSED)
        .exclude(proposed_by_id=principal.pk)
        .select_related("enterprise", "proposed_by")
    )


def override_or_none(principal: Principal, pk: int) -> GradeOverride | None:
    return GradeOverride.objects.visible_to(principal).filter(pk=pk).select_related("enterprise").first()


def event_type_list() -> QuerySet:
    """The event types an officer may record by hand, favourable first."""
    return EventType.objects.order_by("-points", "code")


def enterprise_rows(principal: Principal, q: str = "") -> list[dict]:
    """The enterprises of the principal's jurisdiction with their grade, computed grade, score and override."""
    enterprises = Organisation.objects.visible_to(principal).filter(kind=OrganisationKind.ENTERPRISE)
    if q:
        enterprises = enterprises.filter(Q(name__icontains=q) | Q(uscc=q) | Q(customs_code=q) | Q(code=q))
    enterprises = list(enterprises.order_by("name")[:500])
    records = {r.enterprise_id: r for r in CreditRecord.objects.filter(enterprise__in=enterprises)}
    rows = []
    for enterprise in enterprises:
        record = records.get(enterprise.pk)
        rows.append(
            {
                "enterprise": enterprise,
                "grade": record.get_grade_display() if record else grade_label(CreditGrade.REGULAR),
                "grade_value": record.grade if record else CreditGrade.REGULAR,
                "computed": record.get_computed_grade_display() if record else grade_label(CreditGrade.REGULAR),
                "score": record.score if record and record.score is not None else scoring.BASE,
                "overridden": bool(record and record.override_id),
            }
        )
    return rows


def is_own_enterprise(principal: Principal) -> bool:
    organisation = getattr(principal, "organisation", None)
    return organisation is not None and organisation.kind == OrganisationKind.ENTERPRISE


def pending_work(user) -> list:
    """Overrides waiting for this officer's review (never the officer's own proposals)."""
    if not user.has_permission(Permission.CREDIT_RECORD_MANAGE):
        return []
    return present(
        group(
            "credit.overrides",
            _("待复核的信用等级调整"),
            pending_overrides(user),
            reverse("credit:list"),
            lambda o: WorkItem(
                title=f"{local(o.enterprise)} → {o.get_grade_display()}",
                url=reverse("credit:enterprise", args=[o.enterprise_id]),
                since=o.created_at,
                detail=o.reason[:120],
            ),
            order=("created_at",),
        )
    )
