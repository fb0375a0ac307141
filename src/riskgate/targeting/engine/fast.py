"""The screening engine: control rules compiled once into indexes, then each declaration item looked up instead
of being compared with every rule. Python, no Django (Aho–Corasick from pyahocorasick for keywords).

Each rule is reached through one criterion (its anchor), the most selective it sets:
  A. HS prefixes — the rules whose prefixes start an item's HS code are found by looking up the code's prefixes
     of the lengths the rules use, once per distinct HS code (then remembered), and split by origin country, so
     an item costs two dictionary look-ups;
  B. otherwise enterprises — one look-up per enterprise of the item;
  C. otherwise keywords — one Aho–Corasick pass over the descriptions of the whole batch finds every keyword
     each contains;
  D. otherwise ports, E. otherwise origin countries, F. otherwise nothing (direction, value or validity only):
     these broad rules are gathered once per (origin, port, direction) and kept, those with a lower value
     bound sorted by it, so an item reaches only the ones its value passes (a bisection).
A candidate is then checked for every criterion (its anchor's own is cheap to check again). The result is the
same as the straightforward evaluator's (naive.py) for every input: tests/test_screening_engine.py checks it
with hypothesis on random rules and items.
"""

import gc
from bisect import bisect_right
from itertools import accumulate

import ahocorasick

from .exchange import ACTIONS, RELEASE, STRENGTH, Item, Rule, rule_sort_key, selected

_SAMPLE = STRENGTH["sample"]
_BY_STRENGTH = {STRENGTH[action]: action for action in ACTIONS}
_NONE = ((), {})
MEMO_LIMIT = 500_000  # distinct HS codes (or origin, port, direction) remembered; beyond, the memory restarts


def _check(rule: Rule) -> tuple:
    """What is left to check of a rule once its anchor matched, as a flat tuple (None: no such criterion)."""
    return (
        rule.id,
        STRENGTH[rule.action],
        None if rule.direction == "any" else rule.direction,
        rule.origin_countries or None,
        rule.ports or None,
        rule.enterprise_ids or None,
        rule.keywords or None,
        rule.min_value,
        rule.max_value,
        None if rule.valid_from is None else rule.valid_from.timestamp(),
        None if rule.valid_to is None else rule.valid_to.timestamp(),
        rule.sampling_rate,
    )


def _split(rules) -> tuple:
    """HS-anchored rules as an HS code's entry: (the checks of those without an origin criterion, {origin: the
    checks of those naming it})."""
    anywhere, by_origin = [], {}
    for rule in rules:
        if rule.origin_countries:
            for country in rule.origin_countries:
                by_origin.setdefault(country, []).append(_check(rule))
        else:
            anywhere.append(_check(rule))
    return tuple(anywhere), {country: tuple(checks) for country, checks in by_origin.items()}


class Engine:
    """Immutable once built (its look-up memories aside): a changed rule set is a new Engine."""

    def __init__(self, rules: list[Rule], policy=None):
        ids = [rule.id for rule in rules]
        if len(set(ids)) != len(ids):
            duplicate = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"rule id {duplicate!r} appears more than once")
        self.rules = list(rules)
        self.policy = policy  # differential supervision (supervision.Policy), or None
        by_prefix: dict[str, dict[str, Rule]] = {}
        self._by_enterprise: dict[str, tuple] = {}
        by_keyword: dict[str, list[tuple]] = {}
        self._broad: list[Rule] = []  # anchored on a port, an origin, or nothing
        for rule in rules:
            if rule.hs_prefixes:
                for prefix in rule.hs_prefixes:
                    by_prefix.setdefault(prefix, {})[rule.id] = rule
            elif rule.enterprise_ids:
                for enterprise in rule.enterprise_ids:
                    self._by_enterprise[enterprise] = (*self._by_enterprise.get(enterprise, ()), _check(rule))
            elif rule.keywords:
                for keyword in rule.keywords:
                    by_keyword.setdefault(keyword, []).append(_check(rule))
            else:
                self._broad.append(rule)
        self._keywords = None
        if by_keyword:  # an automaton whose value for each keyword is the rules anchored on it
            self._keywords = ahocorasick.Automaton()
            for keyword, checks in by_keyword.items():
                self._keywords.add_word(keyword, (len(keyword), tuple(checks)))
            self._keywords.make_automaton()
        # Each prefix's rules already split as an HS code's entry is: a code that only one prefix starts (most)
        # takes that entry as it is.
        self._by_prefix: dict[str, tuple] = {prefix: _split(found.values()) for prefix, found in by_prefix.items()}
        self._lengths = sorted({len(prefix) for prefix in self._by_prefix})
        self._memo: dict[str, tuple] = {}
        self._broad_memo: dict[tuple, tuple] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def _hs_entry(self, hs_code: str) -> tuple:
        """The HS-anchored rules whose prefix starts this code: (those without an origin criterion, {origin:
        those naming it}). Remembered per code."""
        by_prefix = self._by_prefix
        groups = [by_prefix[hs_code[:n]] for n in self._lengths if n <= len(hs_code) and hs_code[:n] in by_prefix]
        if not groups:
            entry = _NONE
        elif len(groups) == 1:
            entry = groups[0]
        else:  # a rule with two prefixes that both start the code counts once
            anywhere = {check[0]: check for group in groups for check in group[0]}
            by_origin: dict[str, dict] = {}
            for group in groups:
                for country, checks in group[1].items():
                    by_origin.setdefault(country, {}).update((check[0], check) for check in checks)
            entry = (tuple(anywhere.values()), {country: tuple(c.values()) for country, c in by_origin.items()})
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[hs_code] = entry
        return entry

    def _broad_entry(self, key: tuple) -> tuple:
        """The broad rules that an item from this origin, at this port, going this way can match: (those without
        a lower value bound, the lower bounds ascending, the rules in that order). Remembered per key."""
        origin, port, direction = key
        plain, bounded = [], []
        for rule in self._broad:
            if rule.direction not in ("any", direction):
                continue
            if (rule.origin_countries and origin not in rule.origin_countries) or (
                rule.ports and port not in rule.ports
            ):
                continue
            (plain if rule.min_value is None else bounded).append(rule)
        bounded.sort(key=lambda rule: rule.min_value)
        entry = (tuple(map(_check, plain)), [rule.min_value for rule in bounded], tuple(map(_check, bounded)))
        if len(self._broad_memo) >= MEMO_LIMIT:
            self._broad_memo.clear()
        self._broad_memo[key] = entry
        return entry

    def screen_one(self, item: Item) -> dict:
        return self.screen([item])[0]

    def screen(self, items) -> list[dict]:
        """One result per item, in order: the matched rule ids (sorted) and the strongest action.

        The cyclic garbage collector is paused meanwhile: the results are many small dicts and lists without
        cycles, and its full scans, triggered by them, cost a third of the time (bench/screening)."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._screen(items)
        finally:
            if paused:
                gc.enable()

    def _screen(self, items) -> list[dict]:
        memo, hs_entry, broad_memo, broad_entry = self._memo, self._hs_entry, self._broad_memo, self._broad_entry
        by_enterprise, policy = self._by_enterprise, self.policy
        if not isinstance(items, list):
            items = list(items)
        keyword_hits = self._keyword_hits(items) if self._keywords is not None else {}
        results = []
        append = results.append
        for n, item in enumerate(items):
            origin = item.origin_country
            anywhere, named = memo.get(item.hs_code) or hs_entry(item.hs_code)
            found = named.get(origin)
            pool = anywhere + found if found else anywhere
            twice = False  # a rule reached through two enterprises or two keyword hits is checked once
            if by_enterprise:
                for enterprise in item.enterprise_ids:
                    extra = by_enterprise.get(enterprise)
                    if extra:
                        pool, twice = pool + extra, True
            if keyword_hits:
                extra = keyword_hits.get(n)
                if extra is not None:
                    pool, twice = pool + extra, True
            key = (origin, item.port, item.direction)
            plain, bounds, bounded = broad_memo.get(key) or broad_entry(key)
            if plain:
                pool = pool + plain
            if bounds:
                reach = bisect_right(bounds, item.value)  # the rules whose lower bound the value reaches
                if reach:
                    pool = pool + bounded[:reach]
            if not pool:
                append(self._unmatched(item) if policy is not None else
                       {"declaration_id": item.declaration_id, "item_no": item.item_no, "matched_rules": [],
                        "action": RELEASE})  # fmt: skip
                continue
            if twice and len(pool) > 1:
                pool = tuple({check[0]: check for check in pool}.values())
            matched, strongest, factor = [], 0, None
            for rule_id, strength, direction, origins, ports, firms, words, low, high, start, end, rate in pool:
                if direction is not None and direction != item.direction:
                    continue
                if origins is not None and origin not in origins:
                    continue
                if ports is not None and item.port not in ports:
                    continue
                if firms is not None and firms.isdisjoint(item.enterprise_ids):
                    continue
                if words is not None:
                    description = item.description
                    for word in words:
                        if word in description:
                            break
                    else:
                        continue
                if low is not None and item.value < low:
                    continue
                if high is not None and item.value > high:
                    continue
                if start is not None and item.at < start:
                    continue
                if end is not None and item.at >= end:
                    continue
                if strength == _SAMPLE:
                    if policy is not None:
                        if factor is None:
                            factor = policy.factor(item)
                        rate = policy.sample_rate(rate, factor)
                    if not selected(item.declaration_id, item.item_no, rule_id, rate):
                        continue
                matched.append(rule_id)
                if strength > strongest:
                    strongest = strength
            if not matched and policy is not None:
                append(self._unmatched(item, factor))
                continue
            if len(matched) > 1:
                matched.sort(key=rule_sort_key)
            append({"declaration_id": item.declaration_id, "item_no": item.item_no, "matched_rules": matched,
                    "action": _BY_STRENGTH[strongest] if strongest else RELEASE})  # fmt: skip
        return results

    def _keyword_hits(self, items: list) -> dict[int, tuple]:
        """{item index: the checks of the rules anchored on a keyword its description contains}, from one
        Aho–Corasick pass over all the batch's descriptions joined (a match is kept only when it lies wholly
        inside one description, so a keyword never matches across two)."""
        descriptions = [item.description for item in items]
        text = "\x00".join(descriptions)
        starts = list(accumulate((len(d) + 1 for d in descriptions[:-1]), initial=0))
        hits: dict[int, tuple] = {}
        for end, (length, checks) in self._keywords.iter(text):
            start = end - length + 1
            n = bisect_right(starts, start) - 1
            if end < starts[n] + len(descriptions[n]):
                hits[n] = hits.get(n, ()) + checks
        return hits

    def _unmatched(self, item: Item, factor: float | None = None) -> dict:
        """An item no rule hit, under a differential-supervision policy: released, or selected at random."""
        policy = self.policy
        rate = policy.random_selection_rate(policy.factor(item) if factor is None else factor)
        if selected(item.declaration_id, item.item_no, policy.random_key, rate):
            return {"declaration_id": item.declaration_id, "item_no": item.item_no, "matched_rules": [],
                    "action": policy.random_action, "random": True}  # fmt: skip
        return {"declaration_id": item.declaration_id, "item_no": item.item_no, "matched_rules": [], "action": RELEASE}
