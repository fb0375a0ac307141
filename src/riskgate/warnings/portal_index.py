"""The public search index: every public warning's current version, held in memory by each web process, so that
a portal search or a public API query costs about a millisecond whatever it matches (bench/portal).

Why (docs/decisions/0010-warnings.md): in the database, a query that matches most warnings (召回 is in nearly
every one) has to read every matching row of the wide warnings table to count and sort them; 100,000 warnings
took 90 ms in SQLite per page. Here each search token, level, kind, origin, HS prefix, province and state maps
to the positions of the warnings that have it (numpy arrays), positions are in publication order, so a query is
a few boolean-array ANDs, the count is a sum and a page is a slice from the end. Only the 20 warnings of the
page are then read from the database.

The index follows the data version (queries.data_version: the newest publication time): publications,
adjustments and liftings are all new published versions with a later time, so the index reads only versions
published since its watermark, drops the earlier position of their warning and appends the new one. It
answers exactly what queries.public_warnings answers (a test compares the two on random data); that
function stays the reference and serves the feeds.

Token semantics: a warning matches when its stored tokens (search_tokens, split on spaces) include every term
of the query (core.search.query_terms: English words as their stems), as the full-text indexes do.
"""

import datetime as dt
import gc
import threading
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from riskgate.core.search import query_terms

from .models import Change, Status, WarningNotice
from .queries import data_version

HS_PREFIXES = range(2, 7)  # the portal's HS filter takes a chapter, heading or subheading (2–6 digits)
STATE_OF = {  # (status, change) of the current version → the public state filter
    (Status.PUBLISHED, Change.NEW): "active",
    (Status.PUBLISHED, Change.CONFIRMED): "active",
    (Status.PUBLISHED, Change.ADJUSTED): "adjusted",
}
COLUMNS = (
    "id",
    "lineage_id",
    "published_at",
    "current",
    "public",
    "status",
    "change",
    "level",
    "kinds",
    "origin_countries",
    "hs_codes",
    "regions",
    "product_category",
    "search_tokens",
)
# Rows read for result pages, and the portal's rendered result items, kept until the next publication: a current
# public version never changes while it is current (services make every change a new version), and the newest
# warnings are on most pages.
ROW_CACHE = 2000
HTML_CACHE = 20_000  # (version id, language) → the result item's HTML: about 1 KB each
COMPACT_AT = 0.5  # rebuild when more than half of the positions belong to versions no longer current
MASKS, LONG_POSTING = 256, 16  # masks kept, of postings holding at least 1/16 of the positions (100 KB each)
FREEZE_AT = 10_000  # positions from which the index is frozen out of the cyclic collector's scans


class _Postings:
    """Key → ascending positions; appended to as warnings are published, frozen to numpy arrays when read."""

    def __init__(self):
        self.lists: dict[str, list[int]] = {}
        self.arrays: dict[str, np.ndarray] = {}

    def add(self, key: str, position: int) -> None:
        """Add a position (the arrays are forgotten once a read is over: PublicIndex.read)."""
        self.lists.setdefault(key, []).append(position)

    def get(self, key: str) -> np.ndarray:
        array = self.arrays.get(key)
        if array is None:
            if key not in self.lists:  # a word no warning has: nothing kept (queries are unbounded)
                return np.zeros(0, dtype=np.int64)
            array = self.arrays[key] = np.asarray(self.lists[key], dtype=np.int64)
        return array


@dataclass
class PublicIndex:
    ids: list[int] = field(default_factory=list)  # position → warning version id, in publication order
    days: list[int] = field(default_factory=list)  # position → local publication date (proleptic ordinal)
    # The same two as arrays, and whether each position is still its warning's current public version.
    id_array: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    day_array: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    categories: list[str] = field(default_factory=list)  # position → product category, casefolded
    position_of: dict[int, int] = field(default_factory=dict)  # lineage → its live position
    seen: set[int] = field(default_factory=set)  # version ids already read
    postings: dict[str, _Postings] = field(default_factory=dict)
    watermark: dt.datetime | None = None
    version: str | None = None
    rows: dict[int, WarningNotice] = field(default_factory=dict)  # SearchResult's row cache
    html: dict[tuple[int, str], str] = field(default_factory=dict)  # SearchResult's rendered items
    masks: dict[tuple, np.ndarray] = field(default_factory=dict)  # _mask's kept masks
    days_sorted: bool = True  # publication dates never decrease with the position (bisection finds periods)

    def _postings(self, name: str) -> _Postings:
        return self.postings.setdefault(name, _Postings())

    def _append(self, row: dict) -> None:
        position = len(self.ids)
        self.ids.append(row["id"])
        self.days.append(timezone.localtime(row["published_at"]).date().toordinal())
        self.categories.append((row["product_category"] or "").casefold())
        self.position_of[row["lineage_id"]] = position
        words = self._postings("word").lists
        for word in set((row["search_tokens"] or "").split()):
            if word in words:
                words[word].append(position)
            else:
                words[word] = [position]
        self._postings("level").add(row["level"], position)
        state = "lifted" if row["status"] == Status.LIFTED else STATE_OF.get((row["status"], row["change"]))
        if state:
            self._postings("state").add(state, position)
        for kind in set(row["kinds"] or []):
            self._postings("kind").add(kind, position)
        for origin in {str(code).upper() for code in row["origin_countries"] or []}:
            self._postings("origin").add(origin, position)
        prefixes = {str(code)[:n] for code in row["hs_codes"] or [] for n in HS_PREFIXES if len(str(code)) >= n}
        for prefix in prefixes:
            self._postings("hs").add(prefix, position)
        if not row["regions"]:
            self._postings("province").add("national", position)
        for province in {str(code)[:2] for code in row["regions"]}:
            self._postings("province").add(province, position)

    def read(self, since: dt.datetime | None) -> None:
        """Read the versions published at or after `since` (all of them when None), in publication order."""
        rows = WarningNotice.objects.exclude(published_at=None).order_by("published_at", "id").values(*COLUMNS)
        if since is not None:
            rows = rows.filter(published_at__gte=since)
        fresh = []
        for row in rows.iterator(chunk_size=5000):
            if row["id"] in self.seen:
                continue
            self.seen.add(row["id"])
            self.watermark = row["published_at"]
            earlier = self.position_of.pop(row["lineage_id"], None)
            if earlier is not None:
                fresh.append((earlier, False))
            if row["current"] and row["public"]:
                self._append(row)
                fresh.append((len(self.ids) - 1, True))
        if not fresh:
            return
        alive = np.zeros(len(self.ids), dtype=bool)
        alive[: len(self.alive)] = self.alive
        for position, live in fresh:
            alive[position] = live
        for postings in self.postings.values():
            postings.arrays.clear()
        self.masks = {}
        self.alive = alive
        self.id_array = np.asarray(self.ids, dtype=np.int64)
        self.day_array = np.asarray(self.days, dtype=np.int64)
        self.days_sorted = bool(np.all(self.day_array[1:] >= self.day_array[:-1]))

    def needs_compacting(self) -> bool:
        return len(self.ids) > 1000 and self.alive.sum() < COMPACT_AT * len(self.ids)

    def _mask(self, name: str, *keys: str) -> np.ndarray:
        """The positions having any of `keys` as a boolean array (read-only). Those of long postings are kept
        (MASKS of them, until the next read): setting a mask from a word most warnings have (召回) costs more
        than the rest of a search."""
        cached = self.masks.get((name, keys))
        if cached is not None:
            return cached
        mask = np.zeros(len(self.ids), dtype=bool)
        for key in keys:
            mask[self._postings(name).get(key)] = True
        if mask.sum() * LONG_POSTING >= len(mask):
            mask.flags.writeable = False
            if len(self.masks) >= MASKS:  # (searches run under the module's lock)
                self.masks.clear()
            self.masks[(name, keys)] = mask
        return mask

    def search(self, criteria: dict) -> np.ndarray:
        """Positions of the matching warnings, newest first (the criteria of queries.public_warnings)."""
        mask = self.alive.copy()
        for word in query_terms(criteria.get("q")):
            mask &= self._mask("word", word)
        simple = {"level": "level", "kind": "kind", "state": "state", "hs_chapter": "hs"}
        for name, postings in simple.items():
            if criteria.get(name):
                mask &= self._mask(postings, str(criteria[name]))
        if criteria.get("origin"):
            mask &= self._mask("origin", criteria["origin"].upper())
        if criteria.get("region"):
            mask &= self._mask("province", "national", criteria["region"][:2])
        since, until = criteria.get("since"), criteria.get("until")
        if since:  # positions are in publication order, so a period is a range of them (found by bisection)
            if self.days_sorted:
                mask[: np.searchsorted(self.day_array, since.toordinal(), "left")] = False
            else:
                mask &= self.day_array >= since.toordinal()
        if until:
            if self.days_sorted:
                mask[np.searchsorted(self.day_array, until.toordinal(), "right") :] = False
            else:
                mask &= self.day_array <= until.toordinal()
        positions = np.flatnonzero(mask)[::-1]
        category = (criteria.get("category") or "").casefold()
        if category:
            positions = np.asarray([p for p in positions if category in self.categories[p]], dtype=np.int64)
        return positions


class SearchResult:
    """The matching warnings as a sequence for the paginators: its length is known at once, and a slice reads
    only its own rows (with their issuing organisation), newest first: from the index's row cache, or the
    database for the rows it does not hold yet."""

    def __init__(
        self,
        ids: np.ndarray,
        rows: dict[int, WarningNotice] | None = None,
        html: dict[tuple[int, str], str] | None = None,
    ):
        self.ids = ids
        self.rows = {} if rows is None else rows
        self._html = {} if html is None else html

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[len(self) + index :][0]
        wanted = self.ids[index].tolist()
        missing = [i for i in wanted if i not in self.rows]
        if missing:
            found = WarningNotice.objects.filter(id__in=missing).select_related("organisation").order_by().in_bulk()
            if len(self.rows) + len(found) > ROW_CACHE:
                self.rows.clear()
            self.rows.update(found)
        return [self.rows[i] for i in wanted if i in self.rows]

    def html(self, wanted: list[int], language: str, render, fields: tuple[str, ...]) -> list[str]:
        """The rendered items of the warning versions `wanted` (ids from `self.ids`) in `language`: kept
        from earlier pages, the others read with only `fields` (and their issuing organisation) and rendered by
        `render(notice)` — the portal's pages are mostly items some earlier page showed."""
        missing = [i for i in wanted if (i, language) not in self._html]
        if missing:
            found = WarningNotice.objects.filter(id__in=missing).select_related("organisation").only(*fields)
            rendered = {(notice.id, language): render(notice) for notice in found}
            with _lock:
                if len(self._html) + len(rendered) > HTML_CACHE:  # forget the older half (insertion order)
                    for key in list(self._html)[: len(self._html) // 2]:
                        del self._html[key]
                self._html.update(rendered)
        return [self._html[key] for key in ((i, language) for i in wanted) if key in self._html]


_lock = threading.Lock()
_index = PublicIndex()


def reset() -> None:
    """Forget the index (tests that rebuild the database, and the benchmark's fresh processes)."""
    global _index
    with _lock:
        _index = PublicIndex()


def search(criteria: dict) -> SearchResult:
    """The current public warnings matching the criteria, newest first; the index first catches up with the
    public data version (queries.data_version)."""
    global _index
    version = data_version()
    with _lock:
        if _index.version != version:
            if _index.needs_compacting():
                _index = PublicIndex()
            _index.read(_index.watermark)
            _index.version = version
            if len(_index.ids) >= FREEZE_AT:  # millions of long-lived objects in the postings: out of the reach
                gc.collect()  # of every later full collection (after today's garbage, which would never go)
                gc.freeze()
            _index.rows, _index.html = {}, {}  # new dicts: a result made before keeps its own
        index = _index
        ids = index.id_array[index.search(criteria)]
    return SearchResult(ids, index.rows, index.html)
