"""The shapes every reading of the insight app shares: a period of whole months (and a province), a table (each
chart's data, with the drill-down value of each figure), a chart, and who counts as an authority reader."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.scoping import ScopeMode
from riskgate.intake.models import RiskInformation

from .counting import month_of, next_month

AUTHORITIES = ("national_authority", "warning_office", "direct_bureau", "inspection_body", "port")


@dataclass(frozen=True)
class Period:
    """Whole months, `since` to `until` inclusive (first days of months), and a province ("61") or all."""

    since: dt.date
    until: dt.date
    province: str = ""

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.since, dt.time.min, tzinfo=timezone.get_current_timezone())

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(next_month(self.until), dt.time.min, tzinfo=timezone.get_current_timezone())


def default_period(today: dt.date | None = None) -> Period:
    """The last twelve months, this one included."""
    until = month_of(today or timezone.localdate())
    since = until
    for _month in range(11):
        since = month_of(since - dt.timedelta(days=1))
    return Period(since, until)


@dataclass
class Table:
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    drill: list[list[str | None]] = field(default_factory=list)  # per row, per column: the drill-down value

    def add(self, cells: list, drill: list[str | None]) -> None:
        self.rows.append(cells)
        self.drill.append(drill)


@dataclass(frozen=True)
class Chart:
    key: str
    title: Promise
    kind: str  # line, bar, map, stacked
    permission: Permission
    read: Callable[[Principal, Period], Table]
    records: Callable[[Principal, Period, str], QuerySet]  # the records behind a drill-down value
    detail: str  # the url name of a record's page (taking pk)
    hint: Promise | None = None
    colors: tuple[str, ...] = ()  # one per series, when the series have colours of their own
    may: Callable[[Principal], bool] | None = None  # a further condition on the reader, beside the permission
    plotted: int = 0  # how many columns after the first the chart draws (0: all); the others are the table's


def within(rows: QuerySet, period: Period, when: str, unit: str = "organisation") -> QuerySet:
    """The rows whose `when` falls in the period, of units in its province (`unit` names the owning unit)."""
    rows = rows.filter(**{f"{when}__gte": period.start, f"{when}__lt": period.end})
    return rows.filter(**{f"{unit}__region__code__startswith": period.province}) if period.province else rows


def visible_among(principal: Principal, period: Period, ids: set[int]) -> set[int]:
    """Which of these items of risk information the reader may see, of units in the period's province. Read for
    the few ids a period's changes name, rather than joining the changes to every item the reader may see (a
    million for the warning office)."""
    shown: set[int] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):
        rows = RiskInformation.objects.visible_to(principal).filter(pk__in=ordered[start : start + 5000])
        if period.province:
            rows = rows.filter(organisation__region__code__startswith=period.province)
        shown.update(rows.values_list("pk", flat=True))
    return shown


def authority(principal: Principal) -> bool:
    """A reader in a unit of the customs tree with a jurisdiction (not an assigned expert, not a partner agency or
    an enterprise): who reads figures about the units' own work."""
    organisation = getattr(principal, "organisation", None)
    return organisation is not None and organisation.kind in AUTHORITIES and principal.scope_mode != ScopeMode.ASSIGNED
