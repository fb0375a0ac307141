"""Every read of the dashboards: each chart is a table (its columns, its rows, the drill-down value of each
figure) read in the principal's scope for a period of months and, optionally, a province; the chart, the table,
the CSV and the drill-down all come from that one table. Risk information is counted from the materialised
tallies (models) when the reader's view of it is a set of units, and from the raw rows otherwise (a partner
agency's shared items)."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation
from riskgate.core.countries import country_name
from riskgate.core.models import HSCode, Region, RegionLevel
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.scoping import ScopeMode
from riskgate.core.vocabulary import HazardType, WarningLevel
from riskgate.intake.models import RiskInformation, SharingScope, SourceType
from riskgate.response.queries import measures as measure_queries
from riskgate.response.queries import obligations as obligation_queries
from riskgate.warnings.models import WarningNotice

from .counting import FIELDS, month_of, next_month, values_of
from .models import DayTally, Dimension, MonthTally, Refresh, Report
from .operations import CHARTS as OPERATIONS
from .quality import QUALITY, TREND
from .tables import Chart, Period, Table

BLANK = _("未填写")
TOP = 20  # bars shown for the long dimensions (the table and the CSV keep every value)


# -- risk information -----------------------------------------------------------------------------------------


def reader_units(principal: Principal, period: Period) -> QuerySet | None:
    """The units whose information the principal reads (None: every unit), in the period's province."""
    units = None if principal.scope_mode == ScopeMode.ALL else Organisation.objects.visible_to(principal)
    if period.province:
        units = (units if units is not None else Organisation.objects.all()).filter(
            region__code__startswith=period.province
        )
    return units


def tallied(principal: Principal) -> bool:
    """Whether the principal's view of risk information is a set of units (so the tallies can answer)."""
    return SharingScope.granted_to(principal) is None and principal.scope_mode != ScopeMode.ASSIGNED


def information(principal: Principal, period: Period) -> QuerySet:
    """The raw rows: what the principal may read, received in the period, of units in the province."""
    rows = RiskInformation.objects.visible_to(principal).filter(
        received_at__gte=period.start, received_at__lt=period.end
    )
    if period.province:
        rows = rows.filter(organisation__region__code__startswith=period.province)
    return rows


def received_by_unit(principal: Principal, period: Period) -> Counter:
    """Records received in the period per owning unit, from the tallies (every record counts once under its
    source) when they can answer, else from the raw rows."""
    if not tallied(principal):
        rows = information(principal, period).order_by().values_list("organisation_id").annotate(n=Count("pk"))
        return Counter(dict(rows))
    rows = MonthTally.objects.filter(dimension=Dimension.SOURCE, month__gte=period.since, month__lte=period.until)
    units = reader_units(principal, period)
    if units is not None:
        rows = rows.filter(organisation_id__in=list(units.values_list("pk", flat=True)))
    return Counter(dict(rows.order_by().values_list("organisation_id").annotate(n=Sum("count"))))


def counts(principal: Principal, period: Period, dimension: str) -> Counter:
    """Records per value of a dimension: from the tallies, or from the raw rows when they cannot answer."""
    if not principal.has_permission(Permission.INTAKE_INFORMATION_VIEW):
        return Counter()
    if not tallied(principal):
        return raw_counts(principal, period, dimension)
    rows = MonthTally.objects.filter(dimension=dimension, month__gte=period.since, month__lte=period.until)
    units = reader_units(principal, period)
    if units is not None:
        rows = rows.filter(organisation_id__in=list(units.values_list("pk", flat=True)))
    return Counter({r["value"]: r["n"] for r in rows.values("value").annotate(n=Sum("count")).order_by()})


def raw_counts(principal: Principal, period: Period, dimension: str) -> Counter:
    found = Counter()
    for _received, _unit, *rest in information(principal, period).values_list(*FIELDS).iterator(chunk_size=5000):
        for name, value in values_of(*rest):
            if name == dimension:
                found[value] += 1
    return found


def weekly(principal: Principal, period: Period) -> Counter:
    """Records per ISO week (its Monday), within the period's months."""
    if not principal.has_permission(Permission.INTAKE_INFORMATION_VIEW):
        return Counter()
    weeks = Counter()
    if tallied(principal):
        rows = DayTally.objects.filter(day__gte=period.since, day__lt=next_month(period.until))
        units = reader_units(principal, period)
        if units is not None:
            rows = rows.filter(organisation_id__in=list(units.values_list("pk", flat=True)))
        for r in rows.values("day").annotate(n=Sum("count")).order_by():
            weeks[r["day"] - dt.timedelta(days=r["day"].weekday())] += r["n"]
        return weeks
    for received in information(principal, period).values_list("received_at", flat=True):
        day = timezone.localtime(received).date()
        weeks[day - dt.timedelta(days=day.weekday())] += 1
    return weeks


def _labels(dimension: str, values) -> dict[str, str]:
    if dimension == Dimension.SOURCE:
        known = dict(SourceType.choices)
    elif dimension == Dimension.HAZARD:
        known = dict(HazardType.choices)
    elif dimension == Dimension.CHAPTER:
        english = _english()
        known = {h.code: f"{h.code} {h.description if english else h.description_zh or h.description}"[:60]
                 for h in HSCode.objects.filter(code__in=[v for v in values if v])}  # fmt: skip
    elif dimension == Dimension.COUNTRY:
        known = {v: country_name(v, "en" if _english() else "zh-hans") or v for v in values if v}
    else:
        known = {}
    return {v: str(known.get(v, v)) if v else str(BLANK) for v in values}


def _english() -> bool:
    return translation.get_language() == "en"


def _by(dimension: str, header: Promise):
    def read(principal: Principal, period: Period) -> Table:
        found = counts(principal, period, dimension)
        labels = _labels(dimension, found)
        table = Table([str(header), str(_("风险信息（条）"))])
        for value, n in sorted(found.items(), key=lambda item: (-item[1], item[0])):
            table.add([labels[value], n], [None, value])
        return table

    def records(principal: Principal, period: Period, value: str) -> QuerySet:
        rows = information(principal, period)
        if dimension == Dimension.SOURCE:
            return rows.filter(source_type=value)
        if dimension == Dimension.CATEGORY:
            return rows.filter(product_category=value)
        if dimension == Dimension.CHAPTER:
            return rows.filter(hs_code__isnull=True) if not value else rows.filter(hs_code__code__startswith=value)
        field_name = "hazard_types" if dimension == Dimension.HAZARD else "origin_countries"
        if not value:
            return rows.filter(**{field_name: []})
        return rows.filter(**{f"{field_name}__icontains": f'"{value}"'})  # the JSON text holds "value" with its quotes

    return read, records


def _weekly_table(principal: Principal, period: Period) -> Table:
    table = Table([str(_("周（起始日）")), str(_("风险信息（条）"))])
    found = weekly(principal, period)
    for week in sorted(found):
        table.add([week.isoformat(), found[week]], [None, week.isoformat()])
    return table


def _weekly_records(principal: Principal, period: Period, value: str) -> QuerySet:
    monday = dt.date.fromisoformat(value)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=zone)
    return information(principal, period).filter(received_at__gte=start, received_at__lt=start + dt.timedelta(7))


# -- warnings, measures and obligations ----------------------------------------------------------------------


def _published(principal: Principal, period: Period) -> QuerySet:
    rows = WarningNotice.objects.visible_to(principal).filter(
        published_at__gte=period.start, published_at__lt=period.end
    )
    if period.province:
        rows = rows.filter(organisation__region__code__startswith=period.province)
    return rows


def _levels_table(principal: Principal, period: Period) -> Table:
    levels = list(WarningLevel)
    table = Table([str(_("月份")), *[str(level.label) for level in levels]])
    found = defaultdict(Counter)
    for published, level in _published(principal, period).values_list("published_at", "level"):
        found[month_of(timezone.localtime(published).date())][level] += 1
    for month in sorted(found):
        key = month.isoformat()[:7]
        table.add([key, *[found[month][level] for level in levels]], [None, *[f"{key}:{level}" for level in levels]])
    return table


def _levels_records(principal: Principal, period: Period, value: str) -> QuerySet:
    month, _sep, level = value.partition(":")
    first = dt.date.fromisoformat(f"{month}-01")
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(next_month(first), dt.time.min, tzinfo=zone)
    return _published(principal, period).filter(level=level, published_at__gte=start, published_at__lt=end)


def _measures(principal: Principal, period: Period) -> QuerySet:
    rows = measure_queries.visible(principal).filter(ordered_at__gte=period.start, ordered_at__lt=period.end)
    if period.province:
        rows = rows.filter(organisation__region__code__startswith=period.province)
    return rows


def _obligations(principal: Principal, period: Period) -> QuerySet:
    rows = obligation_queries.visible(principal).filter(created_at__gte=period.start, created_at__lt=period.end)
    if period.province:
        rows = rows.filter(organisation__region__code__startswith=period.province)
    return rows


def late_measures() -> Q:
    return Q(overdue_at__isnull=False) | (
        ~Q(status="lifted") & Q(implemented_at__isnull=True, deadline__lte=timezone.now())
    )


def _late_obligations() -> Q:
    return Q(overdue_at__isnull=False) | Q(status="awaiting_report", report_due__lte=timezone.now())


def _on_time_table(principal: Principal, period: Period) -> Table:
    table = Table([str(_("类别")), str(_("按时")), str(_("逾期"))])
    if principal.has_permission(Permission.RESPONSE_MEASURE_VIEW):
        rows = _measures(principal, period)
        late = rows.filter(late_measures()).count()
        table.add([str(_("快速反应措施")), rows.count() - late, late], [None, "measure:on_time", "measure:late"])
    obligations = _obligations(principal, period)
    late = obligations.filter(_late_obligations()).count()
    total = obligations.count()
    if total or principal.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL):
        table.add([str(_("风险责任者义务")), total - late, late], [None, "obligation:on_time", "obligation:late"])
    return table


def _on_time_records(principal: Principal, period: Period, value: str) -> QuerySet:
    kind, _sep, state = value.partition(":")
    if kind == "measure":
        rows, late = _measures(principal, period), late_measures()
    else:
        rows, late = _obligations(principal, period), _late_obligations()
    return rows.filter(late) if state == "late" else rows.exclude(pk__in=rows.filter(late).values("pk"))


P = Permission
INFO = "intake:detail"
_WEEKLY = (_weekly_table, _weekly_records)
_SOURCE = _by(Dimension.SOURCE, _("信息来源"))
_HAZARD = _by(Dimension.HAZARD, _("危害类型"))
_CATEGORY = _by(Dimension.CATEGORY, _("产品类别"))
_CHAPTER = _by(Dimension.CHAPTER, _("HS 章"))
_COUNTRY = _by(Dimension.COUNTRY, _("原产国"))
CHARTS: dict[str, Chart] = {
    chart.key: chart
    for chart in (
        Chart("weekly", _("每周接收的风险信息"), "line", P.INTAKE_INFORMATION_VIEW, *_WEEKLY, INFO),
        Chart("source", _("风险信息：按来源"), "bar", P.INTAKE_INFORMATION_VIEW, *_SOURCE, INFO),
        Chart("hazard", _("风险信息：按危害类型"), "bar", P.INTAKE_INFORMATION_VIEW, *_HAZARD, INFO),
        Chart("country", _("风险信息：按原产国"), "map", P.INTAKE_INFORMATION_VIEW, *_COUNTRY, INFO),
        Chart("chapter", _("风险信息：按 HS 章"), "bar", P.INTAKE_INFORMATION_VIEW, *_CHAPTER, INFO),
        Chart("category", _("风险信息：按产品类别"), "bar", P.INTAKE_INFORMATION_VIEW, *_CATEGORY, INFO),
        Chart(
            "levels",
            _("发布的预警：按等级和月份"),
            "stacked",
            P.WARNING_VIEW,
            _levels_table,
            _levels_records,
            "warnings:manage",
            _("每次发布（含调整等级后的新版本）计一次。"),
            ("#c62828", "#ef6c00", "#f9a825", "#1565c0"),  # red, orange, yellow, blue: the levels' own colours
        ),
        Chart(
            "on_time",
            _("措施与义务：按时与逾期"),
            "stacked",
            P.RESPONSE_MEASURE_VIEW,
            _on_time_table,
            _on_time_records,
            "",
            _("逾期：已记录逾期，或超过时限仍未落实（措施）、未提交消减报告（义务）。"),
            ("#2e7d32", "#c62828"),
        ),
        *OPERATIONS,
        QUALITY,
        TREND,
    )
}
# An enterprise reads the on-time chart of its own obligations.
ALSO = {"on_time": (P.RESPONSE_OBLIGATION_FULFIL,)}


def charts_for(principal: Principal) -> list[Chart]:
    return [
        c for c in CHARTS.values()
        if (principal.has_permission(c.permission) or any(principal.has_permission(p) for p in ALSO.get(c.key, ())))
        and (c.may is None or c.may(principal))
    ]  # fmt: skip


# The page of each kind of record a figure may count, for the charts whose records are of several kinds.
DETAIL = {
    "riskinformation": "intake:detail",
    "assessment": "assessment:detail",
    "warningnotice": "warnings:manage",
    "measureorder": "response:detail",
    "obligation": "response:obligation",
    "supervisedcase": "enforcement:supervised",
    "inspectiontask": "targeting:task",
    "sample": "monitoring:sample",
    "recall": "response:recall",
    "signal": "monitoring:signal",
}


def detail_url(chart: Chart, obj) -> str:
    """The page of a record behind a figure."""
    return reverse(chart.detail or DETAIL[obj._meta.model_name], args=[obj.pk])


def chart_or_none(principal: Principal, key: str) -> Chart | None:
    return next((c for c in charts_for(principal) if c.key == key), None)


def provinces() -> QuerySet:
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")


def freshness() -> dt.datetime | None:
    state = Refresh.objects.filter(name="information").first()
    return state.watermark if state else None


# -- periodic reports -----------------------------------------------------------------------------------------


def reports_for(principal: Principal) -> QuerySet:
    """Officers who read warnings see every report, published or not; everyone else the published ones."""
    found = Report.objects.order_by("-starts_on", "kind")
    if principal is not None and principal.has_permission(Permission.WARNING_VIEW):
        return found
    return found.filter(published_at__isnull=False)


def report_or_none(principal: Principal, pk: int) -> Report | None:
    return reports_for(principal).filter(pk=pk).first() if pk < 2**62 else None


def may_report(principal: Principal) -> bool:
    organisation = getattr(principal, "organisation", None)
    return (
        principal.has_permission(Permission.WARNING_APPROVE)
        and organisation is not None
        and organisation.kind in ("national_authority", "warning_office")
    )
