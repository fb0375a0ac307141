"""One page of an officer's list, sorted by the column header the officer clicked (issue 26, item 4).

A list declares its sortable columns — a key for the address (`?sort=title`, `?sort=-title` for the other way)
and the fields that order it — and its default order. `page_of` applies the order the address asks for and
cuts the page; the template's headers (`{% sort_th "title" _("标题") %}`, core.templatetags.riskgate) link to
each column's order and mark the current one (`aria-sort`), and the pager keeps the order and the filters.

The address is a link, not a form: an unknown key or a column that cannot be sorted falls back to the list's
default order rather than answering an error. Every order ends with the primary key, so that a page boundary
never falls between two rows of equal value in a different place on the next request; empty values sort last
either way, as a reader scanning for the newest or the earliest expects.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import QueryDict


@dataclass(frozen=True)
class Column:
    """A sortable column: the fields it orders by, and whether its first click shows the largest first
    (dates, counts: the newest or the most is what a reader looks for first)."""

    fields: tuple[str, ...]
    descending_first: bool = False


def by(*fields: str, descending_first: bool = False) -> Column:
    return Column(fields, descending_first)


@dataclass(frozen=True)
class Sorting:
    """The order a list is shown in, and the address parts its header links need."""

    columns: dict[str, Column]
    key: str
    descending: bool
    others: str = field(default="")  # the list's other parameters (filters), URL-encoded, without sort and page

    def href(self, key: str) -> str:
        """The address of the list ordered by `key`: the other way if it is the current order, else the
        column's first direction."""
        column = self.columns[key]
        descending = not self.descending if key == self.key else column.descending_first
        value = f"-{key}" if descending else key
        return f"?{self.others}&sort={value}" if self.others else f"?sort={value}"


def sorting(query: QueryDict, columns: dict[str, Column], default: str) -> Sorting:
    raw = query.get("sort", "")
    key = raw.removeprefix("-")
    if key not in columns:
        raw, key = default, default.removeprefix("-")
    others = query.copy()
    for name in ("sort", "page"):
        others.pop(name, None)
    return Sorting(columns, key, raw.startswith("-"), others.urlencode())


def ordered(items: QuerySet, order: Sorting) -> QuerySet:
    fields = order.columns[order.key].fields
    if order.descending:
        terms = [F(name).desc(nulls_last=True) for name in fields] + ["-pk"]
    else:
        terms = [F(name).asc(nulls_last=True) for name in fields] + ["pk"]
    return items.order_by(*terms)


def page_of(request, items, columns: dict[str, Column], default: str, per_page: int = 50) -> dict:
    """The context a sortable, paginated list needs: `page`, `sorting` and `query` (the address parameters the
    pager keeps: filters and order, without the page number)."""
    order = sorting(request.GET, columns, default)
    page: Page = Paginator(ordered(items, order), per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "sorting": order, "query": query.urlencode()}
