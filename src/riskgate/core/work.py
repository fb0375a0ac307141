"""A user's pending work (我的待办, issue 26): what each room says waits for this user, with its deadline.

Each room names a function `(user) -> list[WorkGroup]` in the registry (site.rooms, `Room.work`); the home page
leads with the groups that have something in them, the most pressing first. A group counts everything waiting
(in the user's scope) and lists the first few by deadline; an item without a deadline shows how long it waits.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SHOWN = 5  # items listed per group on the home page


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    due: dt.datetime | None = None  # the deadline, when the step has one
    since: dt.datetime | None = None  # when it started waiting (shown when there is no deadline)
    detail: str = ""  # a secondary line: the status, the level, the port

    def remaining(self, now: dt.datetime | None = None) -> "Remaining":
        return remaining(self.due, self.since, now)


@dataclass(frozen=True)
class WorkGroup:
    key: str  # stable, for tests and anchors: "intake.received", "warnings.review"…
    label: str | Promise
    count: int
    url: str  # the list of all of them
    items: list[WorkItem] = field(default_factory=list)
    overdue: int = 0

    @property
    def first_due(self) -> dt.datetime | None:
        dues = [item.due for item in self.items if item.due is not None]
        return min(dues) if dues else None


@dataclass(frozen=True)
class Remaining:
    text: str
    css: str  # "overdue", "soon" (under a day), "" otherwise


def remaining(due: dt.datetime | None, since: dt.datetime | None = None, now: dt.datetime | None = None) -> Remaining:
    """The time left before `due` as a person reads it ("剩 3 天", "剩 5 小时", "逾期 2 天"), or, without a
    deadline, how long it has waited since `since`. Under a day counts in hours (at least one)."""
    now = now or timezone.now()
    if due is None:
        if since is None:
            return Remaining("", "")
        days = max((now - since).days, 0)
        if not days:
            return Remaining(_("等待不足 1 天"), "")
        return Remaining(ngettext("已等待 %(n)d 天", "已等待 %(n)d 天", days) % {"n": days}, "")
    seconds = (due - now).total_seconds()
    hours = max(int(abs(seconds) // 3600), 1)
    days = hours // 24
    if seconds < 0:
        text = (
            ngettext("逾期 %(n)d 天", "逾期 %(n)d 天", days)
            if days
            else ngettext("逾期 %(n)d 小时", "逾期 %(n)d 小时", hours)
        )
        return Remaining(text % {"n": days or hours}, "overdue")
    if days:
        return Remaining(ngettext("剩 %(n)d 天", "剩 %(n)d 天", days) % {"n": days}, "")
    return Remaining(ngettext("剩 %(n)d 小时", "剩 %(n)d 小时", hours) % {"n": hours}, "soon")


def pressing_first(groups: list[WorkGroup]) -> list[WorkGroup]:
    """Groups with something in them, those with overdue items first, then by their earliest deadline (groups
    without deadlines last, in the registry's order)."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    shown = [group for group in groups if group.count]
    return sorted(shown, key=lambda group: (not group.overdue, group.first_due or far))


def deadline(start: str, hours: dict, *keys: str) -> Case:
    """A database expression for a deadline that depends on the row: `start` plus the hours that `hours` gives
    for the row's values of `keys` (a limit table read as data: {(status, urgency): 72} or {level: 24}); null
    where the table has no entry. Lets a list of pending work sort and count by deadline in the database."""
    whens = []
    for key, limit in hours.items():
        values = key if isinstance(key, tuple) else (key,)
        due = ExpressionWrapper(F(start) + Value(dt.timedelta(hours=limit)), output_field=DateTimeField())
        whens.append(When(Q(**dict(zip(keys, values, strict=True))), then=due))
    return Case(*whens, default=None, output_field=DateTimeField())


def group(
    key: str,
    label: str | Promise,
    rows: QuerySet,
    url: str,
    item: Callable[[object], WorkItem],
    *,
    due: str | None = None,
    order: tuple[str, ...] = (),
) -> WorkGroup | None:
    """A group from a scoped query: its count, how many are past the `due` field, and the first few (by `due`,
    else by `order`, else oldest first) as items. None when nothing waits."""
    count = rows.count()
    if not count:
        return None
    late = rows.filter(**{f"{due}__lt": timezone.now()}).count() if due else 0
    first = rows.order_by(*(order or ((due, "pk") if due else ("pk",))))[:SHOWN]
    return WorkGroup(key=key, label=label, count=count, url=url, items=[item(row) for row in first], overdue=late)


def present(*groups: WorkGroup | None) -> list[WorkGroup]:
    return [g for g in groups if g is not None]
