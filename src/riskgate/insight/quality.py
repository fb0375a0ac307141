"""The quality-safety level index (R-ASM-6): an objective evaluation of the import/export quality-safety level of a
period, from four measured inputs with documented weights and reference limits (`IndexInput`, data; decision
0026). Read in the reader's scope like every chart, so a bureau sees its jurisdiction's level; each input's count
drills into the records it is measured from."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.vocabulary import WarningLevel
from riskgate.intake.models import RiskInformation
from riskgate.monitoring.models import Sample, SampleStatus
from riskgate.targeting.models import InspectionTask, Outcome, TaskKind, TaskStatus
from riskgate.warnings.models import WarningNotice

from .counting import next_month
from .models import IndexInput
from .tables import Chart, Period, Table, authority

Key = IndexInput.Key
SERIOUS = (WarningLevel.I, WarningLevel.II)
DEATH_WEIGHT = 10  # a death counts as ten injuries in the harm input


def _scoped(model, principal: Principal | None) -> QuerySet:
    """What the reader may see of a model; everything for the national reports (no reader)."""
    return model.objects.all() if principal is None else model.objects.visible_to(principal)


def _province(rows: QuerySet, period: Period, unit: str = "organisation") -> QuerySet:
    return rows.filter(**{f"{unit}__region__code__startswith": period.province}) if period.province else rows


def _random_inspections(principal: Principal | None, period: Period) -> QuerySet:
    """Random inspections (随机布控: the unbiased sample of trade) completed in the period."""
    rows = _scoped(InspectionTask, principal).filter(
        kind=TaskKind.RANDOM, status=TaskStatus.DONE, completed_at__gte=period.start, completed_at__lt=period.end
    )
    return _province(rows, period)


def _samples(principal: Principal | None, period: Period) -> QuerySet:
    """Approved monitoring samples taken in the period."""
    rows = _scoped(Sample, principal).filter(
        status=SampleStatus.APPROVED, sampled_on__gte=period.since, sampled_on__lt=next_month(period.until)
    )
    return _province(rows, period)


def _serious(principal: Principal | None, period: Period) -> QuerySet:
    """Level I and II warnings published in the period (a lineage counts once)."""
    rows = _scoped(WarningNotice, principal).filter(
        level__in=SERIOUS, published_at__gte=period.start, published_at__lt=period.end
    )
    return _province(rows, period).order_by("lineage_id", "version")


def _serious_first(principal: Principal | None, period: Period) -> list[tuple[int, dt.datetime]]:
    """The first serious publication of each lineage in the period: what the input counts."""
    seen, first = set(), []
    for lineage, pk, published in _serious(principal, period).values_list("lineage_id", "pk", "published_at"):
        if (lineage or pk) not in seen:
            seen.add(lineage or pk)
            first.append((pk, published))
    return first


def _harmed(principal: Principal | None, period: Period) -> QuerySet:
    """Risk information received in the period that reports injuries or deaths."""
    rows = _scoped(RiskInformation, principal).filter(
        Q(injured__gt=0) | Q(dead__gt=0), received_at__gte=period.start, received_at__lt=period.end
    )
    return _province(rows, period)


def _month(moment: dt.datetime | dt.date) -> dt.date:
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    return day.replace(day=1)


def _months(period: Period) -> list[dt.date]:
    months, month = [], period.since
    while month <= period.until:
        months.append(month)
        month = next_month(month)
    return months


@dataclass
class Measured:
    """One input in one month: the numerator, its records, and the base it is divided by (a count of inspections
    or samples, or 1 for a monthly count)."""

    count: float = 0
    records: int = 0
    base: int = 0


def measure(principal: Principal | None, period: Period) -> dict[str, dict[dt.date, Measured]]:
    """Every input, month by month, each read once from the records (the trend and the period share it)."""
    found: dict[str, dict[dt.date, Measured]] = {key: defaultdict(Measured) for key in Key.values}
    for completed, outcome in _random_inspections(principal, period).values_list("completed_at", "outcome"):
        m = found[Key.RANDOM_NONCONFORMITY][_month(completed)]
        m.base += 1
        bad = outcome == Outcome.NON_CONFORMING
        m.count += bad
        m.records += bad
    for sampled, passed in _samples(principal, period).values_list("sampled_on", "passed"):
        m = found[Key.SAMPLE_FAILURE][_month(sampled)]
        m.base += 1
        m.count += not passed
        m.records += not passed
    for _pk, published in _serious_first(principal, period):
        m = found[Key.SERIOUS_WARNINGS][_month(published)]
        m.count += 1
        m.records += 1
    for received, injured, dead in _harmed(principal, period).values_list("received_at", "injured", "dead"):
        m = found[Key.HARM][_month(received)]
        m.count += injured + DEATH_WEIGHT * dead
        m.records += 1
    return found


RATES = (Key.RANDOM_NONCONFORMITY, Key.SAMPLE_FAILURE)  # the others are counts per month


@dataclass
class Scored:
    key: str
    label: str
    value: float | None  # a rate, or a count per month; None: no data
    records: int
    limit: float
    weight: int
    score: float | None


def score(found: dict[str, dict[dt.date, Measured]], months: list[dt.date]) -> tuple[list[Scored], float | None]:
    """The sub-scores over `months` and the index: the weighted mean of the inputs that have data."""
    out = []
    for row in IndexInput.objects.all():
        cells = [found[row.key][m] for m in months if m in found[row.key]]
        count, records = sum(c.count for c in cells), sum(c.records for c in cells)
        if row.key in RATES:
            base = sum(c.base for c in cells)
            value = count / base if base else None
        else:
            value = count / len(months) if months else None
        sub = None if value is None else round(100 * max(0.0, 1 - value / row.limit), 1) if row.limit > 0 else None
        out.append(Scored(row.key, str(row.get_key_display()), value, records, row.limit, row.weight, sub))
    weighed = [(s.weight, s.score) for s in out if s.score is not None and s.weight]
    total = sum(w for w, _s in weighed)
    index = round(sum(w * s for w, s in weighed) / total, 1) if total else None
    return out, index


def readable(principal: Principal) -> bool:
    """Authorities that read warnings: the inputs are their jurisdiction's inspections, samples and reports."""
    return authority(principal) and principal.has_permission(Permission.WARNING_VIEW)


def _shown(value: float | None, key: str) -> str:
    if value is None:
        return str(_("无数据"))
    return f"{100 * value:.1f}%" if key in RATES else f"{value:.1f}"


COLUMNS = (_("指标"), _("分项得分"), _("实测值"), _("参考上限"), _("权重"), _("记录"))


def index_rows(principal: Principal | None, period: Period) -> tuple[list[list], list[list[str | None]]]:
    """The index's table for the period: each input's sub-score, measured value, limit, weight and record count,
    then the index itself; and the drill-down value of each cell (the records an input counts)."""
    scored, index = score(measure(principal, period), _months(period))
    rows, drill = [], []
    for s in scored:
        limit = f"{100 * s.limit:.0f}%" if s.key in RATES else f"{s.limit:g}"
        rows.append([s.label, "" if s.score is None else s.score, _shown(s.value, s.key), limit, s.weight, s.records])
        drill.append([None, s.key if s.records else None, None, None, None, s.key if s.records else None])
    rows.append([str(_("质量安全水平指数")), "" if index is None else index, "", "", sum(s.weight for s in scored), ""])
    drill.append([None] * len(COLUMNS))
    return rows, drill


def _index_table(principal: Principal, period: Period) -> Table:
    table = Table([str(c) for c in COLUMNS])
    if readable(principal):
        for cells, drill in zip(*index_rows(principal, period), strict=True):
            table.add(cells, drill)
    return table


def _trend_table(principal: Principal, period: Period) -> Table:
    table = Table([str(_("月份")), str(_("质量安全水平指数"))])
    if not readable(principal):
        return table
    found = measure(principal, period)
    for month in _months(period):
        _scored, index = score(found, [month])
        if index is not None:
            table.add([month.strftime("%Y-%m"), index], [None, None])
    return table


def records(principal: Principal, period: Period, value: str) -> QuerySet:
    """The records an input is measured from: the non-conforming random inspections, the failed samples, the
    serious warnings, the reports of harm."""
    if not readable(principal):
        raise ValueError(value)
    if value == Key.RANDOM_NONCONFORMITY:
        return _random_inspections(principal, period).filter(outcome=Outcome.NON_CONFORMING)
    if value == Key.SAMPLE_FAILURE:
        return _samples(principal, period).filter(passed=False)
    if value == Key.SERIOUS_WARNINGS:
        return _serious(principal, period).filter(pk__in=[pk for pk, _at in _serious_first(principal, period)])
    if value == Key.HARM:
        return _harmed(principal, period)
    raise ValueError(value)


HINT = _(
    "分项得分 = 100 ×（1 − 实测值 ÷ 参考上限），不低于 0；指数为有数据的分项按权重的加权平均。随机布控查验是贸易的"
    "无偏抽样，监测样品为已审核的样品，伤亡中死亡按 10 计。权重和参考上限在管理后台维护。"
)
QUALITY = Chart(
    "quality", _("质量安全水平指数"), "bar", Permission.WARNING_VIEW, _index_table, records, "", HINT, may=readable
)
TREND = Chart(
    "quality_trend",
    _("质量安全水平指数：按月"),
    "line",
    Permission.WARNING_VIEW,
    _trend_table,
    records,
    "",
    may=readable,
)
