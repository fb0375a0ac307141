"""The dashboards' charts of the work after intake (issue 29.1): how long each stage takes against its limit; the
port control's hit and non-conformity rates by port and by rule; monitoring signals raised and decided; recall
effectiveness. Each is one table read in the reader's scope, each figure drilling into the records it counts."""

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation
from riskgate.assessment.models import Assessment
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.intake.deadlines import limits
from riskgate.intake.models import RiskInformation, Status, StatusChange
from riskgate.monitoring.models import Signal, SignalStatus
from riskgate.response.models import Recall, RecallProgress
from riskgate.targeting.models import ControlRule, InspectionTask, Outcome, ScreeningDecision, TaskStatus
from riskgate.warnings.models import PublicationLimit, WarningNotice
from riskgate.warnings.models import Status as WarningStatus

from .tables import Chart, Period, Table, authority, visible_among, within


def _hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600


def first_publications(principal: Principal, period: Period) -> tuple[QuerySet, set[int]]:
    """First versions published in the period on a confirmed assessment, and those published past their level's
    limit after the confirmation (an emergency warning, published before its assessment, is never late here)."""
    rows = within(WarningNotice.objects.visible_to(principal), period, "published_at", "organisation").filter(
        version=1, assessment__confirmed_at__isnull=False
    )
    hours = dict(PublicationLimit.objects.values_list("level", "hours"))
    late = {
        pk
        for pk, published, confirmed, level in rows.values_list(
            "pk", "published_at", "assessment__confirmed_at", "assessment__confirmed_level"
        )
        if level in hours and published > confirmed + dt.timedelta(hours=hours[level])
    }
    return rows, late


# -- stage times against their limits -----------------------------------------------------------------------------


def _verified(principal: Principal, period: Period) -> tuple[dict[int, float], set[int], bool]:
    """Items verified in the period: hours from receipt, and those past the sum of the limits of the statuses
    before verification (received, under verification) for their urgency."""
    table = limits()
    changes = StatusChange.objects.filter(to_status=Status.VERIFIED, at__gte=period.start, at__lt=period.end)
    rows = list(changes.values_list("information_id", "at", "information__received_at", "information__urgency"))
    shown = visible_among(principal, period, {info for info, *_rest in rows})
    hours, late = {}, set()
    for info, at, received, urgency in sorted(rows, key=lambda r: r[1]):
        if info in hours or info not in shown:
            continue  # verified again after a reopening: the first time counts
        hours[info] = _hours(at - received)
        allowed = table.get((Status.RECEIVED, urgency), 0) + table.get((Status.UNDER_VERIFICATION, urgency), 0)
        if hours[info] > allowed:
            late.add(info)
    return hours, late, True


def _assessed(principal: Principal, period: Period) -> tuple[dict[int, float], set[int], bool]:
    rows = within(Assessment.objects.visible_to(principal), period, "submitted_at")
    found = rows.values_list("pk", "requested_at", "submitted_at", "due_at")
    return ({pk: _hours(s - r) for pk, r, s, _d in found}, {pk for pk, _r, s, d in found if s > d}, True)


def _confirmed(principal: Principal, period: Period) -> tuple[dict[int, float], set[int], bool]:
    rows = within(Assessment.objects.visible_to(principal), period, "confirmed_at").filter(submitted_at__isnull=False)
    return ({pk: _hours(c - s) for pk, s, c in rows.values_list("pk", "submitted_at", "confirmed_at")}, set(), False)


def _published(principal: Principal, period: Period) -> tuple[dict[int, float], set[int], bool]:
    rows, late = first_publications(principal, period)
    found = rows.values_list("pk", "assessment__confirmed_at", "published_at")
    return {pk: _hours(p - c) for pk, c, p in found}, late, True


def _lifted(principal: Principal, period: Period) -> tuple[dict[int, float], set[int], bool]:
    """Warnings lifted in the period: hours from the first publication of the lineage to the lifting."""
    rows = within(WarningNotice.objects.visible_to(principal), period, "published_at").filter(
        status=WarningStatus.LIFTED
    )
    lifts = list(rows.values_list("pk", "lineage_id", "published_at"))
    first = dict(
        WarningNotice.objects.filter(lineage_id__in=[lin for _pk, lin, _at in lifts], version=1).values_list(
            "lineage_id", "published_at"
        )
    )
    return ({pk: _hours(at - first[lin]) for pk, lin, at in lifts if first.get(lin)}, set(), False)


STAGES = {
    "verify": (_("核实（接收→核实）"), _verified, RiskInformation),
    "assess": (_("研判（提请→提交报告）"), _assessed, Assessment),
    "confirm": (_("确认（提交报告→确认）"), _confirmed, Assessment),
    "publish": (_("发布（确认→发布预警）"), _published, WarningNotice),
    "lift": (_("解除（发布→解除）"), _lifted, WarningNotice),
}


def _stages_table(principal: Principal, period: Period) -> Table:
    table = Table([str(_("阶段")), str(_("时限内")), str(_("超时")), str(_("件数")), str(_("中位用时（小时）"))])
    for key, (label, read, model) in STAGES.items():
        if not _reads(principal, model):
            continue
        hours, late, limited = read(principal, period)
        n = len(hours)
        median = round(statistics.median(hours.values()), 1) if hours else ""
        on_time = n - len(late) if limited else ""
        table.add(
            [str(label), on_time, len(late) if limited else "", n, median],
            [None, f"{key}:on_time" if limited else None, f"{key}:late" if limited else None, f"{key}:all", None],
        )
    return table


def _reads(principal: Principal, model) -> bool:
    need = {
        RiskInformation: Permission.INTAKE_INFORMATION_VIEW,
        Assessment: Permission.ASSESSMENT_VIEW,
        WarningNotice: Permission.WARNING_VIEW,
    }[model]
    return principal.has_permission(need)


def _stages_records(principal: Principal, period: Period, value: str) -> QuerySet:
    key, _sep, part = value.partition(":")
    if key not in STAGES or part not in ("on_time", "late", "all"):
        raise ValueError(value)
    _label, read, model = STAGES[key]
    if not _reads(principal, model):
        raise ValueError(value)
    hours, late, _limited = read(principal, period)
    chosen = late if part == "late" else set(hours) - late if part == "on_time" else set(hours)
    return model.objects.visible_to(principal).filter(pk__in=chosen)


# -- port control: hits and non-conformities by port and by rule ------------------------------------------------


def _decisions(principal: Principal, period: Period) -> QuerySet:
    return within(ScreeningDecision.objects.visible_to(principal), period, "screened_at")


def _inspections(principal: Principal, period: Period) -> QuerySet:
    return within(InspectionTask.objects.visible_to(principal), period, "completed_at").filter(status=TaskStatus.DONE)


def _rate(part: int, whole: int) -> float | str:
    return round(100 * part / whole, 1) if whole else ""


def _ports_table(principal: Principal, period: Period) -> Table:
    """Per port (the unit that screened or inspected): declarations screened, hits (anything but release), hit
    rate; inspections completed, non-conforming, non-conformity rate."""
    table = Table([str(_("口岸")), str(_("命中率（%）")), str(_("不合格率（%）")), str(_("筛查")), str(_("命中")),
                   str(_("查验")), str(_("不合格"))])  # fmt: skip
    screened = Counter(_decisions(principal, period).values_list("organisation_id", flat=True).order_by())
    hits = Counter(
        _decisions(principal, period).exclude(action="release").values_list("organisation_id", flat=True).order_by()
    )
    inspected = Counter(_inspections(principal, period).values_list("organisation_id", flat=True).order_by())
    bad = Counter(
        _inspections(principal, period)
        .filter(outcome=Outcome.NON_CONFORMING)
        .values_list("organisation_id", flat=True)
        .order_by()
    )
    units = set(screened) | set(inspected)
    names = {o.pk: local(o) for o in Organisation.objects.filter(pk__in=units)}
    for unit in sorted(units, key=lambda u: (-hits[u], -bad[u], names.get(u, ""))):
        table.add(
            [names.get(unit, str(unit)), _rate(hits[unit], screened[unit]), _rate(bad[unit], inspected[unit]),
             screened[unit], hits[unit], inspected[unit], bad[unit]],
            [None, None, f"port:{unit}:bad" if bad[unit] else None, None, None,
             f"port:{unit}:inspected" if inspected[unit] else None, f"port:{unit}:bad" if bad[unit] else None],
        )  # fmt: skip
    return table


RULE = re.compile(r"CR(\d{1,12})-v\d{1,6}")


def _rules_table(principal: Principal, period: Period) -> Table:
    """Per control rule (its lineage: every version together): hits in the period, inspections completed on its
    hits and the non-conforming ones, the non-conformity rate — how well the rule targets."""
    table = Table([str(_("布控规则")), str(_("不合格率（%）")), str(_("命中")), str(_("查验")), str(_("不合格"))])
    hits = Counter()
    for matched in _decisions(principal, period).exclude(action="release").values_list("matched_rules", flat=True):
        for lineage in {int(m[1]) for m in (RULE.fullmatch(str(r)) for r in matched or []) if m}:
            hits[lineage] += 1
    inspected, bad = Counter(), Counter()
    tasks = _inspections(principal, period).filter(rules__isnull=False)
    for _task, outcome, lineage in set(tasks.values_list("pk", "outcome", "rules__lineage_id")):
        inspected[lineage] += 1
        bad[lineage] += outcome == Outcome.NON_CONFORMING
    roots = {r.pk: r for r in ControlRule.objects.filter(pk__in=set(hits) | set(inspected))}
    for lineage in sorted(roots, key=lambda k: (-hits[k], -bad[k], k)):
        rule = roots[lineage]
        what = "、".join([*rule.hs_prefixes[:3], *rule.keywords[:2]])
        table.add(
            [f"{rule.reference.split('-v')[0]} {rule.get_action_display()} {what}".strip()[:120],
             _rate(bad[lineage], inspected[lineage]), hits[lineage], inspected[lineage], bad[lineage]],
            [None, f"rule:{lineage}:bad" if bad[lineage] else None, None,
             f"rule:{lineage}:inspected" if inspected[lineage] else None,
             f"rule:{lineage}:bad" if bad[lineage] else None],
        )  # fmt: skip
    return table


def _control_records(principal: Principal, period: Period, value: str) -> QuerySet:
    kind, _sep, rest = value.partition(":")
    pk_text, _sep, part = rest.partition(":")
    if kind not in ("port", "rule") or part not in ("inspected", "bad") or not pk_text.isdigit() or len(pk_text) > 18:
        raise ValueError(value)
    unit = {"port": "organisation_id", "rule": "rules__lineage_id"}[kind]
    rows = _inspections(principal, period).filter(**{unit: int(pk_text)})
    if part == "bad":
        rows = rows.filter(outcome=Outcome.NON_CONFORMING)
    return rows.distinct()


# -- monitoring signals --------------------------------------------------------------------------------------------


def _signals(principal: Principal, period: Period) -> QuerySet:
    return within(Signal.objects.visible_to(principal), period, "created_at")


def _signals_table(principal: Principal, period: Period) -> Table:
    """Signals raised per month, by what became of them."""
    statuses = list(SignalStatus)
    table = Table([str(_("月份"))] + [str(s.label) for s in statuses])
    found = defaultdict(Counter)
    for created, status in _signals(principal, period).values_list("created_at", "status"):
        found[created.astimezone(period.start.tzinfo).date().replace(day=1)][status] += 1
    for month in sorted(found):
        key = month.strftime("%Y-%m")
        table.add([key] + [found[month][s] for s in statuses],
                  [None] + [f"{key}:{s.value}" if found[month][s] else None for s in statuses])  # fmt: skip
    return table


def _signals_records(principal: Principal, period: Period, value: str) -> QuerySet:
    month, _sep, status = value.partition(":")
    first = dt.date.fromisoformat(f"{month}-01")
    narrowed = Period(first, first, period.province)
    if status not in SignalStatus.values or not period.since <= first <= period.until:
        raise ValueError(value)
    return _signals(principal, narrowed).filter(status=status)


# -- recall effectiveness ------------------------------------------------------------------------------------------


def _recalls(principal: Principal, period: Period) -> QuerySet:
    """Recalls with a known number of affected units, started in the period."""
    rows = Recall.objects.visible_to(principal).filter(
        started_on__gte=period.since, started_on__lt=period.end.date(), affected_units__gt=0
    )
    return rows.filter(organisation__region__code__startswith=period.province) if period.province else rows


def _recall_table(principal: Principal, period: Period) -> Table:
    """Per recall: units corrected so far (the latest progress report) against the units affected, and the target."""
    table = Table([str(_("召回")), str(_("召回率（%）")), str(_("目标召回率（%）")), str(_("涉及数量")),
                   str(_("累计完成补救"))])  # fmt: skip
    recalls = list(_recalls(principal, period).order_by("started_on", "pk"))
    latest = {}
    for recall, units in (
        RecallProgress.objects.filter(recall__in=[r.pk for r in recalls])
        .order_by("recall_id", "as_of", "pk")
        .values_list("recall_id", "units_corrected")
    ):
        latest[recall] = units  # ordered: the last one stays
    for r in sorted(recalls, key=lambda r: -(latest.get(r.pk, 0) / r.affected_units)):
        done = latest.get(r.pk, 0)
        table.add(
            [f"{r.reference} {r.product}"[:120], _rate(done, r.affected_units), r.target_rate or "", r.affected_units,
             done],
            [None, f"{r.pk}", None, None, None],
        )  # fmt: skip
    return table


def _recall_records(principal: Principal, period: Period, value: str) -> QuerySet:
    if not value.isdigit() or len(value) > 18:
        raise ValueError(value)
    return _recalls(principal, period).filter(pk=int(value))


P = Permission
CHARTS = (
    Chart("stages", _("各阶段用时与时限"), "stacked", P.ASSESSMENT_VIEW, _stages_table, _stages_records, "",
          _("时限：信息按紧急程度的接收和核实时限之和，研判按完成时限，发布按预警等级的发布时限；确认和解除没有时限，"
            "只列件数和中位用时。"), ("#2e7d32", "#c62828"), plotted=2, may=authority),
    Chart("ports", _("口岸布控：命中率与不合格率"), "bar", P.TARGETING_TASK_VIEW, _ports_table, _control_records,
          "targeting:task", _("命中：筛查结果不是放行；不合格率：已办结查验中不合格的比例。"), plotted=1),
    Chart("rules", _("布控规则：查验不合格率"), "bar", P.TARGETING_TASK_VIEW, _rules_table, _control_records,
          "targeting:task", _("规则按其各版本合计：命中次数、对命中项的查验和其中不合格的。"), plotted=1),
    Chart("signals", _("监测信号：按月与研判结果"), "stacked", P.MONITORING_SIGNAL_VIEW, _signals_table,
          _signals_records, "monitoring:signal", colors=("#f9a825", "#c62828", "#757575")),
    Chart("recalls", _("召回效果"), "bar", P.RESPONSE_MEASURE_VIEW, _recall_table, _recall_records, "response:recall",
          _("召回率：最近一次进度报告的累计完成补救数量占涉及数量的比例。"), plotted=1),
)  # fmt: skip
