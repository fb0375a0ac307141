"""The periods of the reports and the figures a report holds, read from the records as they are now: the period's
public warnings (each publication, adjustments included) by level, product category, hazard type and origin; the
public recall notices by kind and type; the measures ordered by kind. Only public facts and aggregate counts:
a published report goes on the portal."""

import datetime as dt
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core.countries import country_name
from riskgate.core.vocabulary import HazardType, WarningLevel
from riskgate.response.models import MeasureOrder, Recall, RecallKind, RecallType
from riskgate.warnings.models import WarningNotice

from . import quality
from .counting import month_of
from .models import ReportKind
from .tables import Period


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The report period of `kind` holding `day`: its first and last day."""
    if kind == ReportKind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == ReportKind.MONTHLY:
        start = day.replace(day=1)
    elif kind == ReportKind.QUARTERLY:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    else:
        start = day.replace(month=1, day=1)
    months = {ReportKind.MONTHLY: 1, ReportKind.QUARTERLY: 3, ReportKind.YEARLY: 12}[kind]
    year, month = divmod(start.month - 1 + months, 12)
    return start, dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


def last_complete(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period of `kind` that has ended before `today`."""
    start, _end = period_of(kind, today)
    return period_of(kind, start - dt.timedelta(days=1))


def _range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone))  # fmt: skip


def _table(title: str, columns: list[str], rows: list[list]) -> dict:
    return {"title": title, "columns": columns, "rows": rows}


def _counted(title: str, header: str, counts: Counter) -> dict:
    rows = [[label, n] for label, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return _table(title, [header, _("数量")], rows)


def tables(start: dt.date, end: dt.date) -> dict[str, dict]:
    """Every table of a report on the period (labels in the active language); a report of whole months also holds
    the quality-safety level index of those months (national)."""
    low, high = _range(start, end)
    warnings = list(
        WarningNotice.objects.filter(public=True, published_at__gte=low, published_at__lt=high).order_by(
            "published_at", "pk"
        )
    )
    hazards, levels = dict(HazardType.choices), dict(WarningLevel.choices)
    by_origin = Counter()
    for w in warnings:
        for code in sorted(set(w.origin_countries or [])) or [""]:
            by_origin[country_name(code) or code if code else _("未注明")] += 1
    recalls = list(
        Recall.objects.filter(public=True, published_at__gte=low, published_at__lt=high).order_by("published_at", "pk")
    )
    measures = MeasureOrder.objects.filter(ordered_at__gte=low, ordered_at__lt=high).select_related("kind")
    found = {
        "totals": _table(_("概况"), [_("项目"), _("数量")], [
            [_("发布的风险预警（含调整）"), len(warnings)],
            [_("发布的召回公告"), len(recalls)],
            [_("下达的快速反应措施"), measures.count()],
        ]),
        "warnings_by_level": _table(_("风险预警：按等级"), [_("预警等级"), _("数量")],
                                    [[str(levels[v]), sum(w.level == v for w in warnings)] for v in levels]),
        "warnings_by_category": _counted(_("风险预警：按产品类别"), _("产品类别"),
                                         Counter(w.product_category or _("未注明") for w in warnings)),
        "warnings_by_hazard": _counted(_("风险预警：按危害类型"), _("危害类型"),
                                       Counter(str(hazards.get(w.hazard_type, w.hazard_type)) for w in warnings)),
        "warnings_by_origin": _counted(_("风险预警：按原产国"), _("原产国"), by_origin),
        "warnings": _table(_("本期发布的风险预警"), [_("编号"), _("标题"), _("预警等级"), _("产品类别"), _("危害类型"),
                                                  _("原产国"), _("发布时间")],
                           [[w.reference, w.title, str(levels.get(w.level, w.level)), w.product_category,
                             str(hazards.get(w.hazard_type, w.hazard_type)),
                             "、".join(country_name(c) or c for c in w.origin_countries or []),
                             timezone.localtime(w.published_at).strftime("%Y-%m-%d %H:%M")] for w in warnings]),
        "recalls_by_kind": _counted(_("召回公告：按召回方式和类型"), _("召回方式 / 类型"), Counter(
            f"{RecallKind(r.kind).label} / {RecallType(r.recall_type).label}" for r in recalls)),
        "recalls": _table(_("本期发布的召回公告"), [_("编号"), _("产品"), _("品牌"), _("召回方式"), _("发布时间")],
                          [[r.reference, r.product, r.brand, str(RecallKind(r.kind).label),
                            timezone.localtime(r.published_at).strftime("%Y-%m-%d %H:%M")] for r in recalls]),
        "measures_by_kind": _counted(_("快速反应措施：按种类"), _("措施"),
                                     Counter(str(m.kind.name) for m in measures)),
    }  # fmt: skip
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        rows, _drill = quality.index_rows(None, Period(start, month_of(end)))
        found["quality_index"] = _table(_("质量安全水平指数"), [str(c) for c in quality.COLUMNS[:-1]],
                                        [row[:-1] for row in rows])  # fmt: skip
    return found


CHARTED = ("warnings_by_level", "warnings_by_category", "warnings_by_origin", "measures_by_kind")
