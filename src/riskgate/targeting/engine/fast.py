"""The screening engine: control rules compiled once into indexes and arrays, then a batch of declaration items
screened column by column instead of item by item. Python, no Django; NumPy for the columns, Hyperscan (or,
where it is not built, pyahocorasick) for keywords.

Each rule is reached through one criterion (its anchor), the most selective it sets:
  A. enterprises — every enterprise of every item looked up at once;
  B. otherwise HS prefixes — each (prefix, origin, direction) the rules name is one whole-number key of a hash
     table built with the rules; every prefix of every item's code (each length the rules use, with the item's
     origin and without) is looked up for the whole batch in a few NumPy operations, a found key giving its run
     of rule indices;
  C. otherwise keywords — one scan of the batch's descriptions joined finds every keyword each contains;
  D. otherwise nothing it can be looked up by (ports, origins, direction, value or validity only): these broad
     rules are grouped by one origin they name, else one port, else none, and within a group ordered by their
     lower value bound, so an item reaches only those its value passes (one sorted search for the batch).
The anchors give (item, rule) candidate pairs; every criterion the columns hold — direction, origin, port,
value, validity — is then checked for all pairs at once, so are the HS prefixes of a rule reached through its
enterprises (its (rule, prefix) pairs are keys of a second table), and only keywords not used as the anchor are
checked in Python, for the pairs that survive. Sampling and the results are per matched pair; results share
tuples of rule ids, so the cyclic garbage collector does not track them (Engine._finish). The result is the
same as the straightforward evaluator's (naive.py) for every input: tests/targeting/test_screening_engine.py
checks it with hypothesis on random rules and items, with both keyword scanners.
"""

import contextlib
import gc
import threading
from bisect import bisect_left, bisect_right
from itertools import accumulate, chain, repeat

import ahocorasick
import numpy as np

from .exchange import ACTIONS, RELEASE, STRENGTH, Item, Rule, rule_sort_key, selected

try:  # built for x86-64; elsewhere pyahocorasick finds the same keywords, more slowly
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None

_FIELDS = (
    "declaration_id",
    "item_no",
    "direction",
    "hs_code",
    "origin_country",
    "enterprise_ids",
    "port",
    "description",
    "value",
    "declared_at",
    "at",
)
if Item._fields != _FIELDS:  # pragma: no cover - Batch unpacks an item's fields in this order
    raise ImportError(f"Item's fields changed order: {Item._fields}")
_SAMPLE = STRENGTH["sample"]
_ACTION_OF = np.array([RELEASE, *reversed(ACTIONS)], object)  # [strength]
if any(_ACTION_OF[STRENGTH[action]] != action for action in ACTIONS):  # pragma: no cover
    raise ImportError("strengths are not 1 … 5 in ACTIONS' reverse order")
_INF = float("inf")
_DIRECTION = {"any": 0, "import": 1, "export": 2}
_EMPTY = np.zeros(0, np.int64)


def _runs(groups: list) -> tuple:
    """Lists of rule indices as (where each starts, its length, all of them end to end)."""
    lengths = np.fromiter(map(len, groups), np.int64, len(groups))
    starts = np.zeros(len(groups), np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return starts, lengths, np.fromiter(chain.from_iterable(groups), np.int64, int(lengths.sum()))


def _pairs(owners: np.ndarray, starts: np.ndarray, lengths: np.ndarray, flat: np.ndarray) -> tuple:
    """(item index, rule index) for every rule of each owner's run (`starts` and `lengths` into `flat`)."""
    total = int(lengths.sum())
    if not total:
        return _EMPTY, _EMPTY
    begins = np.cumsum(lengths) - lengths  # where each owner's pairs begin in the output
    return np.repeat(owners, lengths), flat[np.arange(total) - np.repeat(begins - starts, lengths)]


class _Keywords:
    """The keywords of keyword-anchored rules found in a batch's descriptions, in one scan of them joined: a match
    counts only when it lies wholly inside one description. Hyperscan scans the UTF-8 of the text (literal
    patterns; lone surrogates, which JSON allows, pass through as their own bytes on both sides; a keyword with a
    NUL character, which its binding cannot take, makes the set use pyahocorasick); pyahocorasick scans the text
    itself. Both report every occurrence, overlapping ones included."""

    def __init__(self, keywords: list[str], backend: str | None = None):
        self.backend = backend or ("hyperscan" if hyperscan is not None else "pyahocorasick")
        if self.backend == "hyperscan" and hyperscan is None:
            raise ValueError("the keyword scanner 'hyperscan' is not installed here (it is built for x86-64)")
        if self.backend == "hyperscan" and any("\x00" in keyword for keyword in keywords):
            self.backend = "pyahocorasick"  # Hyperscan's binding reads a pattern up to its first NUL
        if self.backend == "hyperscan":
            encoded = [keyword.encode("utf-8", "surrogatepass") for keyword in keywords]
            # Two databases, ASCII keywords and the others: compiled together, a set of brand names in Latin
            # and in Chinese took 0.4 s (each part alone 10 and 6 ms); scanning twice costs a few per cent.
            self.databases = []
            for ascii_ in (True, False):
                ids = [n for n, keyword in enumerate(keywords) if keyword.isascii() is ascii_]
                if ids:
                    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
                    database.compile(
                        expressions=[encoded[n] for n in ids], ids=ids, elements=len(ids), flags=0, literal=True
                    )
                    self.databases.append(database)
            self.local = threading.local()  # Hyperscan's scratch space is one per thread and database
        elif self.backend == "pyahocorasick":
            self.automaton = ahocorasick.Automaton()
            for n, keyword in enumerate(keywords):
                self.automaton.add_word(keyword, (n, len(keyword)))
            self.automaton.make_automaton()
        else:
            raise ValueError(f"unknown keyword scanner {backend!r}")

    def find(self, batch: "Batch") -> tuple[np.ndarray, np.ndarray]:
        """(item indices, keyword indices), aligned: every keyword each description contains (may repeat)."""
        if self.backend == "hyperscan":
            return self._hyperscan(batch)
        descriptions = batch.descriptions
        text = "\x00".join(descriptions)
        starts = list(accumulate((len(d) + 1 for d in descriptions[:-1]), initial=0))
        items, found = [], []
        for end, (keyword, length) in self.automaton.iter(text):  # end: the index of the match's last character
            n = bisect_right(starts, end - length + 1) - 1
            if end < starts[n] + len(descriptions[n]):
                items.append(n)
                found.append(keyword)
        return np.array(items, np.int64), np.array(found, np.int64)

    def _hyperscan(self, batch: "Batch") -> tuple[np.ndarray, np.ndarray]:
        text, starts = batch.text()
        matches = []
        scratches = getattr(self.local, "scratches", None)
        if scratches is None:
            scratches = self.local.scratches = [hyperscan.Scratch(database) for database in self.databases]
        for database, scratch in zip(self.databases, scratches, strict=True):
            database.scan(
                text, match_event_handler=lambda keyword, _, end, *__: matches.append((keyword, end)), scratch=scratch
            )
        if not matches:
            return _EMPTY, _EMPTY
        keywords, ends = np.array(matches, np.int64).T  # end: just after the match's last byte
        # The description its last byte is in; the whole match is in it, as no keyword here holds a NUL byte (UTF-8
        # gives one only for the NUL character itself), so none can span a separator.
        return np.searchsorted(starts, ends - 1, "right") - 1, keywords


class Batch:
    """A batch of declaration items as columns — whatever the rules, so one batch can be screened by any engine:
    what Engine.match reads. Building it is the engine's loading step, as copying the items into its tables is a
    database's (bench/screening times the two apart). The UTF-8 text of the descriptions, which only Hyperscan
    reads, is made when first asked for."""

    __slots__ = (
        "items",
        "declaration_ids",
        "item_nos",
        "directions",
        "hs",
        "origins",
        "enterprises",
        "enterprise_counts",
        "ports",
        "descriptions",
        "values",
        "moments",
        "_text",
    )

    def __init__(self, items: list):
        n = len(items)
        self.items = items
        # Items are named tuples: one transposition reads every field (each a separate object in memory) as columns.
        (
            self.declaration_ids,
            self.item_nos,
            directions,
            codes,
            self.origins,
            enterprises,
            self.ports,
            self.descriptions,
            values,
            _,
            moments,
        ) = zip(*items, strict=True) if n else ((),) * len(_FIELDS)
        self.directions = np.fromiter(map(_DIRECTION.__getitem__, directions), np.int8, n)
        self.hs = _hs_numbers(codes)  # the codes as numbers and their lengths
        self.enterprises = list(chain.from_iterable(enterprises))
        self.enterprise_counts = np.fromiter(map(len, enterprises), np.int64, n)
        self.values = np.fromiter(values, np.float64, n)  # floats, as the exchange format reads them
        self.moments = np.fromiter(moments, np.float64, n)
        self._text = None

    def __len__(self) -> int:
        return len(self.items)

    def text(self) -> tuple[bytes, np.ndarray]:
        """The descriptions' UTF-8 joined by NUL bytes, and where each begins in it."""
        if self._text is None:
            # Each description encoded on its own (an ASCII one is copied as it is; joined first, one non-ASCII
            # description made the whole text wide and its encoding a real conversion), so their byte lengths give
            # where each begins, with no search for the separators.
            descriptions = self.descriptions
            try:  # a lone surrogate (JSON allows one) stops strict UTF-8; the default arguments are the fastest call
                encoded = list(map(str.encode, descriptions))
            except UnicodeEncodeError:
                encoded = list(map(str.encode, descriptions, repeat("utf-8"), repeat("surrogatepass")))
            starts = np.zeros(len(encoded), np.int64)
            if encoded:
                np.cumsum(np.fromiter(map(len, encoded[:-1]), np.int64, len(encoded) - 1) + 1, out=starts[1:])
            self._text = b"\x00".join(encoded), starts
        return self._text


@contextlib.contextmanager
def collector_paused():
    """The cyclic garbage collector off meanwhile, back as it was after (bench/screening times its floor so too)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class _Table:
    """Whole-number keys (below 2⁶³, distinct) -> their positions in the list given, looked up for a whole array
    of keys at once. Each key hashes to one bucket of four slots (half a cache line); a look-up reads that bucket
    and compares all four, with no loop, so an array of keys costs a few NumPy operations. Buckets are as many as
    keys (rounded up to a power of two), doubled until none overflows. (Per key on this machine: a Python dict
    look-up in a `map` 0.25–0.5 µs on 34,000 HS codes, `np.searchsorted` on the sorted keys 93 ns, linear probing
    as a loop of compressions 50 ns, this about 10 ns.)"""

    SLOTS = 4
    _EMPTY = 2**64 - 1  # no key: keys are below 2⁶³
    _MULTIPLIER = 0x9E3779B97F4A7C15  # Fibonacci hashing: the top bits of key × 2⁶⁴/φ

    def __init__(self, keys: list[int]):
        keys_ = np.array(keys, np.uint64)
        bits = max(1, (len(keys) - 1).bit_length())
        while True:
            buckets = (keys_ * np.uint64(self._MULTIPLIER)) >> np.uint64(64 - bits)
            if not len(keys) or np.bincount(buckets.astype(np.intp)).max() <= self.SLOTS:
                break
            bits += 1
        self._shift, self._multiplier = np.uint64(64 - bits), np.uint64(self._MULTIPLIER)
        order = np.argsort(buckets, kind="stable")
        buckets = buckets[order].astype(np.intp)
        first = np.searchsorted(buckets, buckets)  # where each key's bucket begins in that order
        slots = buckets * self.SLOTS + np.arange(len(keys)) - first
        self._keys = np.full((1 << bits) * self.SLOTS, self._EMPTY, np.uint64)
        self._keys[slots] = keys_[order]
        self._keys = self._keys.reshape(1 << bits, self.SLOTS)
        self._values = np.full((1 << bits) * self.SLOTS, -1, np.int64)
        self._values[slots] = order
        # A filter in front: one flag per 2^(bits + 4) values of the hash's top bits, set where a key's fall, so
        # about one absent key in sixteen passes it (most keys asked for are absent: 3 % present on the bench);
        # only those read a bucket. Half the time of reading every key's bucket (0.43 against 0.83 ms for a batch
        # of 80,000 keys).
        self._filter_shift = np.uint64(64 - bits - 4)
        flags = np.zeros(1 << (bits + 4), bool)
        flags[((keys_ * self._multiplier) >> self._filter_shift).astype(np.intp)] = True
        self._filter = np.packbits(flags, bitorder="little")

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For a uint64 array of keys: (the positions of those present, their values)."""
        hashed = keys * self._multiplier
        flag = (hashed >> self._filter_shift).view(np.intp)  # below 2^(bits + 4): the same as a whole number
        maybe = np.flatnonzero((self._filter.take(flag >> 3) >> (flag & 7)) & 1)
        buckets = (hashed[maybe] >> self._shift).view(np.intp)
        found = np.flatnonzero(self._keys.take(buckets, axis=0) == keys[maybe, None])  # candidate × SLOTS + slot
        present = found // self.SLOTS
        return maybe[present], self._values.take(buckets[present] * self.SLOTS + found % self.SLOTS)


_TENS = 10 ** np.arange(9, -1, -1, dtype=np.int64)


def _hs_numbers(codes: tuple) -> tuple[np.ndarray, np.ndarray]:
    """HS codes (4–10 ASCII digits, as the exchange format checks them) as ten-digit whole numbers, a shorter
    code padded with zeros (so its first k digits are the number // 10^(10 - k)), and their lengths."""
    joined = "".join(codes)
    if len(joined) == 10 * len(codes):  # every code ten digits long (a Chinese declaration's always are): read as
        digits = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(len(codes), 10)  # bytes, 3.5× faster
        return (digits.astype(np.int64) - 48) @ _TENS, np.full(len(codes), 10)
    characters = np.array(codes, "U10").view(np.uint32).reshape(len(codes), 10)  # shorter codes end in zeros
    present = characters != 0
    return (characters.astype(np.int64) - 48) * present @ _TENS, present.sum(axis=1)


def _stem(prefix: str) -> int:
    """An HS prefix as one whole number: its digits × 16 + its length (below 2³⁸)."""
    return int(prefix) * 16 + len(prefix)


def _stems(numbers: np.ndarray, lengths: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The stems of the codes' prefixes of each wanted length, (code × length); 0 (no prefix's stem) where a code
    is shorter than the length."""
    stems = numbers[:, None] // 10 ** (10 - wanted) * 16 + wanted
    if not (lengths == 10).all():
        stems *= lengths[:, None] >= wanted
    return stems


class Engine:
    """Immutable once built, so one Engine is safely shared between threads: a changed rule set is a new
    Engine. `keyword_backend` ("hyperscan" or "pyahocorasick") is for tests; by default the
    fastest one installed."""

    def __init__(self, rules: list[Rule], policy=None, keyword_backend: str | None = None):
        with collector_paused():  # many small containers, no cycles: a full collection of a big heap (the
            self._build(rules, policy, keyword_backend)  # bench's 1,000,000 items) would cost 0.7–1 s here

    def _build(self, rules: list[Rule], policy, keyword_backend: str | None) -> None:
        ids = [rule.id for rule in rules]
        if len(set(ids)) != len(ids):
            duplicate = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"rule id {duplicate!r} appears more than once")
        self.rules = list(rules)
        self.policy = policy  # differential supervision (supervision.Policy), or None
        ordered = sorted(rules, key=lambda rule: rule_sort_key(rule.id))  # a rule's index is its place in results
        count = self._count = len(ordered)
        self._ids = [rule.id for rule in ordered]
        self._strength = np.array([STRENGTH[rule.action] for rule in ordered], np.int8)
        self._id_array = np.empty(count, object)
        self._id_array[:] = self._ids
        self._alone = [(rule_id,) for rule_id in self._ids]  # each rule's id in a tuple of its own: the matched
        # rules of an item only it hits, shared by their results
        self._rates = [rule.sampling_rate for rule in ordered]
        self._direction = np.array([_DIRECTION[rule.direction] for rule in ordered], np.int8)
        self._low = np.array([-_INF if r.min_value is None else r.min_value for r in ordered])
        self._high = np.array([_INF if r.max_value is None else r.max_value for r in ordered])
        self._from = np.array([-_INF if r.valid_from is None else r.valid_from.timestamp() for r in ordered])
        self._to = np.array([_INF if r.valid_to is None else r.valid_to.timestamp() for r in ordered])
        # Origins and ports as columns: index 0 stands for any value no rule names.
        origins = sorted({country for rule in ordered for country in rule.origin_countries})
        ports = sorted({port for rule in ordered for port in rule.ports})
        self._origin_index = {country: n + 1 for n, country in enumerate(origins)}
        self._port_index = {port: n + 1 for n, port in enumerate(ports)}
        self._origin_span = len(origins) + 1
        self._origin_ok = np.ones((len(origins) + 1, count), bool)  # [origin index, rule]
        self._port_ok = np.ones((len(ports) + 1, count), bool)
        for r, rule in enumerate(ordered):
            if rule.origin_countries:
                self._origin_ok[:, r] = False
                self._origin_ok[[self._origin_index[c] for c in rule.origin_countries], r] = True
            if rule.ports:
                self._port_ok[:, r] = False
                self._port_ok[[self._port_index[p] for p in rule.ports], r] = True
        # Anchors, and what is left to check after them: the keywords of a rule not anchored on them, in Python;
        # the HS prefixes of a rule anchored on its enterprises, as (rule, stem) keys of a table.
        self._words: dict[int, tuple] = {}
        rule_stems: list[int] = []
        by_enterprise: dict[str, list[int]] = {}
        by_prefix: dict[int, list[int]] = {}  # key of (prefix, origin or 0, direction) -> rules
        by_keyword: dict[str, list[int]] = {}
        broad: list[tuple[int, Rule]] = []
        for r, rule in enumerate(ordered):
            if rule.enterprise_ids:
                for enterprise in rule.enterprise_ids:
                    by_enterprise.setdefault(enterprise, []).append(r)
                rule_stems += [r << 38 | _stem(prefix) for prefix in rule.hs_prefixes]
                if rule.keywords:
                    self._words[r] = rule.keywords
            elif rule.hs_prefixes:
                origins_ = [self._origin_index[country] for country in rule.origin_countries] or [0]
                directions_ = (1, 2) if rule.direction == "any" else (_DIRECTION[rule.direction],)
                for prefix in rule.hs_prefixes:
                    for origin in origins_:
                        for direction in directions_:
                            key = self._hs_key(_stem(prefix), origin, direction)
                            by_prefix.setdefault(key, []).append(r)
                if rule.keywords:
                    self._words[r] = rule.keywords
            elif rule.keywords:
                for keyword in rule.keywords:
                    by_keyword.setdefault(keyword, []).append(r)
            else:
                broad.append((r, rule))
        self._needs_words = np.zeros(count, bool)
        self._needs_words[list(self._words)] = True
        self._needs_prefix = np.zeros(count, bool)
        self._needs_prefix[[key >> 38 for key in rule_stems]] = True
        self._rule_stems = _Table(rule_stems)
        self._rule_lengths = np.array(sorted({key & 15 for key in rule_stems}), np.int64)
        self._enterprise_index = {enterprise: n + 1 for n, enterprise in enumerate(by_enterprise)}
        self._enterprise_runs = _runs([[], *by_enterprise.values()])
        self._keywords = _Keywords(list(by_keyword), keyword_backend) if by_keyword else None
        self._keyword_runs = _runs(list(by_keyword.values())) if by_keyword else None
        self._lengths = np.array(
            sorted({len(prefix) for rule in ordered if not rule.enterprise_ids for prefix in rule.hs_prefixes}),
            np.int64,
        )
        self._prefixes = _Table(list(by_prefix))
        self._prefix_runs = _runs(list(by_prefix.values()))
        self._compile_broad(broad, len(origins), len(ports))

    def _compile_broad(self, broad: list, origins: int, ports: int) -> None:
        """Broad rules in groups — each origin a rule names, else each port, else one group of all — ordered
        within a group by the rank of their lower bound among all lower bounds; key = group × width + rank, so
        one sorted search finds how many of an item's group its value reaches."""
        lows = self._low.tolist()  # open lower bounds already -infinity
        levels = sorted({lows[r] for r, _ in broad})
        self._levels = np.array(levels)
        self._width = width = len(levels) + 1
        groups: dict[tuple, list] = {}
        for r, rule in broad:
            rank = bisect_left(levels, lows[r]) + 1
            if rule.origin_countries:
                anchors = [("origin", self._origin_index[country]) for country in rule.origin_countries]
            elif rule.ports:
                anchors = [("port", self._port_index[port]) for port in rule.ports]
            else:
                anchors = [("all", 0)]
            for anchor in anchors:
                groups.setdefault(anchor, []).append((rank, r))
        self._origin_group = np.full(origins + 1, -1, np.int64)  # [origin index] -> group, -1: none
        self._port_group = np.full(ports + 1, -1, np.int64)
        self._all_group = -1
        keys, members, starts = [], [], []
        for g, ((kind, index), entries) in enumerate(sorted(groups.items())):
            if kind == "origin":
                self._origin_group[index] = g
            elif kind == "port":
                self._port_group[index] = g
            else:
                self._all_group = g
            starts.append(len(keys))
            for rank, r in sorted(entries):
                keys.append(g * width + rank)
                members.append(r)
        self._broad_keys = np.array(keys, np.int64)
        self._broad_rules = np.array(members, np.int64)
        self._group_start = np.array(starts, np.int64)

    def __len__(self) -> int:
        return len(self.rules)

    def _hs_key(self, stem, origin, direction):
        """The key of an HS prefix's stem (_stem), an origin index (0: any origin) and a direction (1 import,
        2 export); whole numbers or arrays of them. Below 2³⁸ × origins × 2 < 2⁶³. The key with origin o is the key
        with none (0) plus 2o: match makes both of a batch's key tables so. Stem 0 (no prefix) gives keys below
        2 × origins, and a prefix's stem is at least 2 ("00"), its keys at least 4 × origins: never the key of a
        prefix."""
        return (stem * self._origin_span + origin) * 2 + direction - 1

    def screen_one(self, item: Item) -> dict:
        return self.screen([item])[0]

    def screen(self, items) -> list[dict]:
        """One result per item, in order: the matched rule ids (sorted) and the strongest action.

        The cyclic garbage collector is paused meanwhile: the results are many small dicts and lists without
        cycles, and its full scans, triggered by them, cost a third of the time (bench/screening)."""
        with collector_paused():
            batch = Batch(items if isinstance(items, list) else list(items))
            return self._finish(batch, self.match(batch))

    def match(self, batch: Batch) -> np.ndarray:
        """The (item, rule) pairs of a batch every criterion of the rule holds for, before sampling: item index ×
        number of rules + rule index (rules in the results' order of ids), ascending, each once."""
        n = len(batch)
        if not n or not self._count:
            return _EMPTY
        index = np.arange(n)
        pieces: list[tuple] = []
        directions, hs = batch.directions, batch.hs
        origins = np.fromiter(map(self._origin_index.get, batch.origins, repeat(0)), np.int64, n)
        if len(self._lengths):  # HS prefixes: each prefix length the rules use, with the item's origin and without,
            # as (item × length) arrays: a few NumPy calls for any batch. A code shorter than a length has stem 0
            # there, whose keys are below any prefix's.
            anywhere = self._hs_key(_stems(*hs, self._lengths), 0, directions[:, None])
            from_origin = anywhere + 2 * origins[:, None]  # the key with origin o is the key with none + 2o
            named = origins != 0
            rows = None  # the items of from_origin's rows, where not all
            if not named.all():  # (most batches: origins the rules name) no copy to mask
                from_origin, rows = from_origin[named], index[named]
            starts, lengths_, members = self._prefix_runs
            for keys, items_ in ((anywhere, None), (from_origin, rows)):
                present, runs = self._prefixes.find(keys.ravel().view(np.uint64))
                if len(runs):
                    owners = present // len(self._lengths)  # the row of each key found
                    pieces.append(
                        _pairs(owners if items_ is None else items_[owners], starts[runs], lengths_[runs], members)
                    )
        if self._enterprise_index:  # enterprises
            flat = batch.enterprises
            runs = np.fromiter(map(self._enterprise_index.get, flat, repeat(0)), np.int64, len(flat))
            has = runs != 0
            if has.any():
                owners = np.repeat(index, batch.enterprise_counts)[has]
                starts, lengths, members = self._enterprise_runs
                runs = runs[has]
                pieces.append(_pairs(owners, starts[runs], lengths[runs], members))
        if self._keywords is not None:  # keywords
            owners, found = self._keywords.find(batch)
            if len(found):
                starts, lengths, members = self._keyword_runs
                pieces.append(_pairs(owners, starts[found], lengths[found], members))
        ports = np.fromiter(map(self._port_index.get, batch.ports, repeat(0)), np.int64, n)
        values = batch.values
        if len(self._broad_keys):  # broad rules, reached by the rank of the value among their lower bounds
            ranks = np.searchsorted(self._levels, values, "right")
            for groups in (self._origin_group[origins], self._port_group[ports], np.full(n, self._all_group)):
                has = groups >= 0
                if has.any():
                    groups = groups[has]
                    reach = np.searchsorted(self._broad_keys, groups * self._width + ranks[has], "right")
                    starts = self._group_start[groups]
                    pieces.append(_pairs(index[has], starts, reach - starts, self._broad_rules))
        if not pieces:
            return _EMPTY
        pi = np.concatenate([piece[0] for piece in pieces])
        pr = np.concatenate([piece[1] for piece in pieces])
        # Every criterion the columns hold, for all candidate pairs at once.
        rule_directions = self._direction[pr]
        ok = (rule_directions == 0) | (rule_directions == directions[pi])
        ok &= self._origin_ok[origins[pi], pr]
        ok &= self._port_ok[ports[pi], pr]
        value = values[pi]
        ok &= (self._low[pr] <= value) & (value <= self._high[pr])
        moment = batch.moments[pi]
        ok &= (self._from[pr] <= moment) & (moment < self._to[pr])
        check = np.flatnonzero(ok & self._needs_prefix[pr])
        if len(check):  # HS prefixes of rules reached through enterprises: any (rule, stem of the code) a key
            owners = pi[check]
            keys = pr[check][:, None] << 38 | _stems(hs[0][owners], hs[1][owners], self._rule_lengths)
            cells, _ = self._rule_stems.find(keys.ravel().view(np.uint64))
            holds = np.zeros(len(check), bool)
            holds[cells // len(self._rule_lengths)] = True
            ok[check[~holds]] = False
        left = np.flatnonzero(ok & self._needs_words[pr])
        if len(left):
            words, descriptions = self._words, batch.descriptions
            for k, i, r in zip(left.tolist(), pi[left].tolist(), pr[left].tolist(), strict=True):
                description = descriptions[i]
                if not any(word in description for word in words[r]):
                    ok[k] = False
        # A rule reached twice (two of an item's enterprises, a keyword twice) counts once; ordered by item, then
        # by rule, which is the results' order.
        return np.unique(pi[ok] * self._count + pr[ok])

    def _finish(self, batch: Batch, pairs: np.ndarray) -> list[dict]:
        """The results from the matched pairs (item × rule count + rule, ascending): sampling decided, the strongest
        action kept; then, under a differential-supervision policy, the random selection of the items no rule hit.
        Built in one pass at the end: each item's matched rules and action are set in columns first.

        Matched rules are tuples (a JSON array all the same): a result dict whose values are all untracked — strings,
        numbers, the empty tuple of the four items in five no rule hits, the rule's own one-id tuple (untracked by
        the collector's first look at it) of most of the others — is not tracked by the cyclic collector, so a caller
        holding a batch's results does not make every later collection walk them (lists would be tracked: on the
        bench's 1,000,000 items they cost 10–15 % of the engine's time, decision 0011)."""
        items, declarations, numbers = batch.items, batch.declaration_ids, batch.item_nos
        policy = self.policy
        factors: dict[int, float] = {}
        pi, pr = np.divmod(pairs, max(self._count, 1))
        strengths = self._strength[pr]
        sampled = np.flatnonzero(strengths == _SAMPLE)
        if len(sampled):
            ids, rates, kept = self._ids, self._rates, np.ones(len(pairs), bool)
            for k, i, r in zip(sampled.tolist(), pi[sampled].tolist(), pr[sampled].tolist(), strict=True):
                rate = rates[r]
                if policy is not None:
                    factor = factors.get(i)
                    if factor is None:
                        factor = factors[i] = policy.factor(items[i])
                    rate = policy.sample_rate(rate, factor)
                if not selected(declarations[i], numbers[i], ids[r], rate):
                    kept[k] = False
            pi, pr, strengths = pi[kept], pr[kept], strengths[kept]
        n = len(declarations)
        matched: list = [()] * n
        strongest = np.zeros(n, np.int8)
        if len(pi):  # runs of one item's pairs: its matched rules, in order, and the strongest action
            firsts = np.flatnonzero(np.concatenate(([True], pi[1:] != pi[:-1])))
            owners = pi[firsts]
            strongest[owners] = np.maximum.reduceat(strengths, firsts)
            lengths = np.diff(firsts, append=len(pi))
            alone = lengths == 1  # most items hit, hit one rule: its shared tuple
            singles = self._alone
            for i, r in zip(owners[alone].tolist(), pr[firsts[alone]].tolist(), strict=True):
                matched[i] = singles[r]
            several = np.flatnonzero(~alone)
            if len(several):
                rule_ids = tuple(self._id_array[pr].tolist())  # a slice of it is a tuple
                begins = firsts[several].tolist()
                ends = (firsts[several] + lengths[several]).tolist()
                for i, begin, end in zip(owners[several].tolist(), begins, ends, strict=True):
                    matched[i] = rule_ids[begin:end]
        results = [
            {"declaration_id": declaration, "item_no": k, "matched_rules": rules, "action": action}
            for declaration, k, rules, action in zip(
                declarations, numbers, matched, _ACTION_OF[strongest].tolist(), strict=True
            )
        ]
        if policy is not None:
            for i, result in enumerate(results):
                if not result["matched_rules"]:
                    item, factor = items[i], factors.get(i)
                    rate = policy.random_selection_rate(policy.factor(item) if factor is None else factor)
                    if selected(item.declaration_id, item.item_no, policy.random_key, rate):
                        result["action"] = policy.random_action
                        result["random"] = True
        return results
