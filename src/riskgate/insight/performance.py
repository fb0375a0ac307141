"""Performance management (Art.27, R-RR-5): the league table of units — for a period, per unit, the figures the
regulation supervises (on-time rates of intake, assessment, publication and measures, the backlog, reversals,
effect evaluations, overdue supervised cases), every figure read through the reader's own scope and drillable to the
records it counts. The composite score is the mean of the unit's available on-time rates (docs/decisions/0025)."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation
from riskgate.assessment.models import Assessment, Step
from riskgate.assessment.registry import REVERSALS
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.enforcement.models import SupervisionStatus
from riskgate.enforcement.queries import supervised_cases
from riskgate.intake.deadlines import limits, overdue_q
from riskgate.intake.models import RiskInformation, StatusChange
from riskgate.response.queries import measures as measure_queries
from riskgate.warnings.models import Evaluation, WarningNotice

from .operations import first_publications
from .queries import late_measures, reader_units, received_by_unit, tallied
from .tables import Chart, Period, Table, authority, visible_among, within

RATES = ("intake", "assess", "publish", "measures")  # the on-time rates the score averages


def may_read(principal: Principal) -> bool:
    """Authorities that read warnings and measures in a jurisdiction (not an assigned expert, not a partner)."""
    return (
        authority(principal)
        and principal.has_permission(Permission.WARNING_VIEW)
        and principal.has_permission(Permission.RESPONSE_MEASURE_VIEW)
    )


# Each metric's rows are read in the reader's scope and the period; `records` returns those behind one figure
# ("<unit>:<metric>"), a rate's being its late ones.


def _information(principal: Principal, period: Period) -> QuerySet:
    return within(RiskInformation.objects.visible_to(principal), period, "received_at", "organisation")


def _late_changes(principal: Principal, period: Period) -> tuple[Counter, Counter, set[int]]:
    """Status changes in the period leaving a status with a time limit, and those that left it late: the time in a
    status runs from the change before (or from receipt) to this one."""
    table = limits()
    # The change before each one, wherever it falls (a window function would see only the period's changes: the
    # WHERE of the period applies before it).
    before = StatusChange.objects.filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")), information=OuterRef("information")
    ).order_by("-at", "-pk")
    changes = (
        StatusChange.objects.filter(
            at__gte=period.start, at__lt=period.end, from_status__in={status for status, _urgency in table}
        )
        .annotate(before=Subquery(before.values("at")[:1]))
        .values_list(
            "information_id", "information__organisation_id", "information__urgency", "information__received_at",
            "from_status", "before", "at",
        )
    )  # fmt: skip
    rows = list(changes)
    shown = visible_among(principal, period, {row[0] for row in rows})
    counted, late, late_items = Counter(), Counter(), set()
    for info, unit, urgency, received, status, before, at in rows:
        hours = table.get((status, urgency))
        if hours is None or info not in shown:
            continue
        counted[unit] += 1
        if at - (before or received) > dt.timedelta(hours=hours):
            late[unit] += 1
            late_items.add(info)
    return counted, late, late_items


def _backlog(principal: Principal, period: Period) -> QuerySet:
    """Items past their status's time limit now (whatever the period: a backlog is today's). A reader whose view is
    a set of units (every league reader) names its units as a list of ids: on PostgreSQL the scope's join made the
    count at a million overdue items 9.5 s instead of 0.75 s (bench/RESULTS.md)."""
    if tallied(principal):
        rows = RiskInformation.objects.filter(overdue_q())
        units = reader_units(principal, period)
        return rows if units is None else rows.filter(organisation_id__in=list(units.values_list("pk", flat=True)))
    rows = RiskInformation.objects.visible_to(principal).filter(overdue_q())
    if period.province:
        rows = rows.filter(organisation__region__code__startswith=period.province)
    return rows


def _assessments(principal: Principal, period: Period) -> QuerySet:
    return within(Assessment.objects.visible_to(principal), period, "submitted_at", "organisation")


def _reversals(principal: Principal, period: Period) -> QuerySet:
    steps = within(Step.objects.filter(action__in=REVERSALS), period, "at", "assessment__organisation")
    return Assessment.objects.visible_to(principal).filter(pk__in=steps.values("assessment_id"))


def _measures(principal: Principal, period: Period) -> QuerySet:
    return within(measure_queries.visible(principal), period, "ordered_at", "lead_unit")


def _evaluated(principal: Principal, period: Period) -> QuerySet:
    evaluations = within(Evaluation.objects.all(), period, "evaluated_at", "notice__organisation")
    return WarningNotice.objects.visible_to(principal).filter(pk__in=evaluations.values("notice_id"))


def _supervision(principal: Principal, period: Period) -> tuple[QuerySet, QuerySet]:
    today = timezone.localdate()
    rows = supervised_cases(principal).filter(deadline__gte=period.since, deadline__lt=period.end.date())
    if period.province:
        rows = rows.filter(supervised__region__code__startswith=period.province)
    late = rows.filter(Q(status=SupervisionStatus.OPEN, deadline__lt=today) | Q(closed_at__date__gt=F("deadline")))
    return rows, late


def _by(rows: QuerySet, unit: str) -> Counter:
    """Rows per unit, counted by the database (a million items are not carried into Python)."""
    return Counter(dict(rows.order_by().values_list(unit).annotate(n=Count("pk", distinct=True))))


def _rate(counted: int, late: int) -> float | None:
    return round(100 * (counted - late) / counted, 1) if counted else None


COLUMNS = (
    ("unit", _("单位")),
    ("score", _("综合得分")),
    ("received", _("接收风险信息")),
    ("intake", _("信息处理按时率（%）")),
    ("backlog", _("当前超时未办")),
    ("assess", _("研判按时率（%）")),
    ("reversals", _("研判被退回或改判")),
    ("publish", _("预警按时发布率（%）")),
    ("measures", _("措施按时落实率（%）")),
    ("evaluations", _("预警效果评估")),
    ("supervision", _("督办逾期")),
)
# The drill-down value of each figure: a rate drills into its late records.
DRILL = {"received": "received", "intake": "intake_late", "backlog": "backlog", "assess": "assess_late",
         "reversals": "reversals", "publish": "publish_late", "measures": "measures_late",
         "evaluations": "evaluations", "supervision": "supervision_late"}  # fmt: skip


def league(principal: Principal, period: Period) -> Table:
    """One row per unit with any figure in the period, best score first (units without a rate last)."""
    table = Table([str(label) for _key, label in COLUMNS])
    if not may_read(principal):
        return table
    figures: dict[int, dict] = defaultdict(dict)
    for unit, n in received_by_unit(principal, period).items():  # the dashboards' tallies
        figures[unit]["received"] = n
    counted, late, _items = _late_changes(principal, period)
    for unit, n in counted.items():
        figures[unit]["intake"] = _rate(n, late[unit])
    for unit, n in _by(_backlog(principal, period), "organisation_id").items():
        figures[unit]["backlog"] = n
    assessments = _assessments(principal, period)
    late_assessments = _by(assessments.filter(submitted_at__gt=F("due_at")), "organisation_id")
    for unit, n in _by(assessments, "organisation_id").items():
        figures[unit]["assess"] = _rate(n, late_assessments[unit])
    for unit, n in _by(_reversals(principal, period), "organisation_id").items():
        figures[unit]["reversals"] = n
    published, late_published = first_publications(principal, period)
    late_by_unit = _by(published.filter(pk__in=late_published), "organisation_id")
    for unit, n in _by(published, "organisation_id").items():
        figures[unit]["publish"] = _rate(n, late_by_unit[unit])
    measures = _measures(principal, period)
    late_by_lead = _by(measures.filter(late_measures()), "lead_unit_id")
    for unit, n in _by(measures, "lead_unit_id").items():
        figures[unit]["measures"] = _rate(n, late_by_lead[unit])
    for unit, n in _by(_evaluated(principal, period), "organisation_id").items():
        figures[unit]["evaluations"] = n
    _cases, late_cases = _supervision(principal, period)
    for unit, n in _by(late_cases, "supervised_id").items():
        figures[unit]["supervision"] = n
    names = {o.pk: local(o) for o in Organisation.objects.filter(pk__in=figures)}
    for f in figures.values():
        rates = [f[k] for k in RATES if f.get(k) is not None]
        f["score"] = round(sum(rates) / len(rates), 1) if rates else None
    order = sorted(figures, key=lambda u: (figures[u]["score"] is None, -(figures[u]["score"] or 0), names.get(u, "")))
    for unit in order:
        f = figures[unit]
        cells = [names.get(unit, str(unit))] + [_cell(f.get(key)) for key, _label in COLUMNS[1:]]
        drill = [None, None] + [
            f"{unit}:{DRILL[key]}" if f.get(key) is not None else None for key, _label in COLUMNS[2:]
        ]
        table.add(cells, drill)
    return table


def _cell(value):
    return "" if value is None else value


def records(principal: Principal, period: Period, value: str) -> QuerySet:
    """The records behind one figure of the league table ("<unit pk>:<metric>")."""
    unit_text, _sep, metric = value.partition(":")
    if not may_read(principal) or not unit_text.isdigit() or len(unit_text) > 18:
        raise ValueError(value)
    unit = int(unit_text)
    if metric == "received":
        return _information(principal, period).filter(organisation_id=unit)
    if metric == "intake_late":
        _counted, _late, items = _late_changes(principal, period)
        return RiskInformation.objects.visible_to(principal).filter(pk__in=items, organisation_id=unit)
    if metric == "backlog":
        return _backlog(principal, period).filter(organisation_id=unit)
    if metric == "assess_late":
        return _assessments(principal, period).filter(organisation_id=unit, submitted_at__gt=F("due_at"))
    if metric == "reversals":
        return _reversals(principal, period).filter(organisation_id=unit)
    if metric == "publish_late":
        published, late = first_publications(principal, period)
        return published.filter(organisation_id=unit, pk__in=late)
    if metric == "measures_late":
        return _measures(principal, period).filter(late_measures(), lead_unit_id=unit)
    if metric == "evaluations":
        return _evaluated(principal, period).filter(organisation_id=unit)
    if metric == "supervision_late":
        return _supervision(principal, period)[1].filter(supervised_id=unit)
    raise ValueError(value)


LEAGUE = Chart(
    "performance",
    _("绩效排行"),
    "table",
    Permission.WARNING_VIEW,
    league,
    records,
    "",
    _("综合得分为本单位各项按时率（信息处理、研判、预警发布、措施落实）的平均值；没有按时率的单位排在最后。"),
)
