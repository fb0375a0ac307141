# ruff: noqa: S608 - the SQL is composed of prefix lengths and keywords written as escaped literals (_literal)
"""The exchange format's screening as one DuckDB query: the peer the engine is measured against (bench/screening)
and checked against (tests/targeting/test_screening_engine.py). Written the way a careful DuckDB user would:

* every rule reached through one criterion, as the engine reaches it — HS prefixes if it names any, else its
  enterprises, else keywords, else one origin, else one port, else every item;
* HS prefixes exploded into one key per prefix length and equi-joined with the items' prefixes of that length
  (one hash join per length the rules use);
* enterprises, origins and ports by hash joins, both as anchors and as checks ((rule, value) keys: a rule's
  lists are sets, so a join checks a membership without multiplying rows);
* every keyword scanned once per description as one alternation (`regexp_extract_all`) and joined back to its
  rules. Leftmost-first matching of an alternation finds every keyword a text contains only if no keyword
  contains another or overlaps one (a suffix of one the prefix of another), so the keywords are split, when they
  are compiled, into groups within which none does (greedily; most sets are one group), one scan per group;
* direction, value bounds and validity as join predicates.

Sampling (a BLAKE2b draw per matched pair) is not something SQL does: `screen` draws for the sampled pairs the
query returns, then keeps the strongest action, in Python — the same results as Engine.screen.
"""

import itertools

import numpy as np

from .exchange import ACTIONS, RELEASE, STRENGTH, Item, Rule, rule_sort_key, selected

_DIRECTION = {"any": 0, "import": 1, "export": 2}
_SPECIAL = frozenset("\\.^$|?*+()[]{}")
_ACTION_OF = [RELEASE, *reversed(ACTIONS)]  # [strength]


def _literal(keyword: str) -> str:
    """A keyword as an RE2 literal, inside a SQL string."""
    return "".join("\\" + c if c in _SPECIAL else c for c in keyword).replace("'", "''")


def keyword_groups(keywords: list[str]) -> list[list[str]]:
    """The keywords in groups within which none clashes with another — contains it, or ends with what it starts
    with — so that leftmost-first matching of a group's alternation finds every one a text holds (first-fit,
    most clashing first). Clashes are found through tables of every keyword's prefixes and substrings."""
    starting: dict[str, set[int]] = {}  # a prefix -> the keywords starting with it
    holding: dict[str, set[int]] = {}  # a substring -> the keywords holding it
    for n, keyword in enumerate(keywords):
        for j in range(1, len(keyword) + 1):
            starting.setdefault(keyword[:j], set()).add(n)
            for i in range(j):
                holding.setdefault(keyword[i:j], set()).add(n)
    clashes: dict[int, set[int]] = {n: set() for n in range(len(keywords))}
    for n, keyword in enumerate(keywords):
        others = set(holding[keyword])  # keywords holding this one
        for k in range(1, len(keyword)):  # keywords starting with one of its proper suffixes
            others |= starting.get(keyword[-k:], set())
        for m in others - {n}:
            clashes[n].add(m)
            clashes[m].add(n)
    groups: list[list[int]] = []
    for n in sorted(range(len(keywords)), key=lambda n: -len(clashes[n])):
        for group in groups:
            if not clashes[n].intersection(group):
                group.append(n)
                break
        else:
            groups.append([n])
    return [[keywords[n] for n in group] for group in groups]


class SqlScreen:
    """The rules loaded into an in-memory DuckDB database; `load` puts a batch of items beside them, `query` returns
    the matched (item, rule) pairs before sampling, `screen` does both and builds the results."""

    def __init__(self, rules: list[Rule], threads: int | None = None):
        import duckdb

        self.db = duckdb.connect()
        if threads:
            self.db.execute(f"SET threads = {int(threads)}")
        self.rules = sorted(rules, key=lambda rule: rule_sort_key(rule.id))
        self._ids = [rule.id for rule in self.rules]
        self._strength = np.array([0, *(STRENGTH[rule.action] for rule in self.rules)], np.int8)  # [rid], 1-based
        # Every table a rule is reached through carries what the join checks beside its key (direction, value
        # bounds, validity) and whether anything is left to check after it (`more`): its ports, and its origins,
        # enterprises or keywords when they are not what it was reached through.
        anchors: dict[str, list] = {
            name: [] for name in ("hs", "hs_origin", "firm", "keyword", "origin", "port", "all")
        }
        rows, firms, words, origins, ports = [], [], [], [], []
        for rid, rule in enumerate(self.rules, 1):
            anchor = next(
                name
                for name, values in (
                    ("hs", rule.hs_prefixes),
                    ("firm", rule.enterprise_ids),
                    ("keyword", rule.keywords),
                    ("origin", rule.origin_countries),
                    ("port", rule.ports),
                    ("all", True),
                )
                if values
            )
            more = bool(
                rule.ports
                or (rule.origin_countries and anchor not in ("hs", "origin"))
                or (rule.enterprise_ids and anchor != "firm")
                or (rule.keywords and anchor != "keyword")
            )
            checks = (
                _DIRECTION[rule.direction],
                -np.inf if rule.min_value is None else rule.min_value,
                np.inf if rule.max_value is None else rule.max_value,
                -np.inf if rule.valid_from is None else rule.valid_from.timestamp(),
                np.inf if rule.valid_to is None else rule.valid_to.timestamp(),
                more,
            )
            rows.append(
                (
                    rid,
                    bool(rule.origin_countries),
                    bool(rule.ports),
                    bool(rule.enterprise_ids),
                    bool(rule.keywords),
                    anchor,
                )
            )
            if anchor == "hs":
                # A prefix another of the rule's prefixes starts adds nothing, and would make an item reach the
                # rule twice: without it an item reaches a rule through at most one prefix, so no DISTINCT.
                prefixes = [
                    prefix
                    for prefix in rule.hs_prefixes
                    if not any(prefix.startswith(other) and other != prefix for other in rule.hs_prefixes)
                ]
                if rule.origin_countries:
                    anchors["hs_origin"] += [
                        (rid, len(p), p, country, *checks) for p in prefixes for country in rule.origin_countries
                    ]
                else:
                    anchors["hs"] += [(rid, len(p), p, *checks) for p in prefixes]
            elif anchor == "origin":
                anchors["origin"] += [(rid, country, *checks) for country in rule.origin_countries]
            elif anchor == "port":
                anchors["port"] += [(rid, port, *checks) for port in rule.ports]
            else:
                anchors[anchor].append((rid, *checks))
            firms += [(rid, firm) for firm in rule.enterprise_ids]
            words += [(rid, word) for word in rule.keywords]
            origins += [(rid, country) for country in rule.origin_countries]
            ports += [(rid, port) for port in rule.ports]
        checks = "dir TINYINT, low DOUBLE, high DOUBLE, vfrom DOUBLE, vto DOUBLE, more BOOLEAN"
        self._table(
            "rules",
            "rid INTEGER, has_origin BOOLEAN, has_port BOOLEAN, has_firm BOOLEAN, has_keyword BOOLEAN, anchor VARCHAR",
            rows,
        )
        self._table("anchor_hs", f"rid INTEGER, len INTEGER, prefix VARCHAR, {checks}", anchors["hs"])
        self._table(
            "anchor_hs_origin",
            f"rid INTEGER, len INTEGER, prefix VARCHAR, origin VARCHAR, {checks}",
            anchors["hs_origin"],
        )
        self._table("anchor_origin", f"rid INTEGER, origin VARCHAR, {checks}", anchors["origin"])
        self._table("anchor_port", f"rid INTEGER, port VARCHAR, {checks}", anchors["port"])
        for name in ("firm", "keyword", "all"):
            self._table(f"anchor_{name}", f"rid INTEGER, {checks}", anchors[name])
        self._table("rule_firm", "rid INTEGER, firm VARCHAR", firms)
        self._table("rule_keyword", "rid INTEGER, keyword VARCHAR", words)
        self._table("rule_origin", "rid INTEGER, country VARCHAR", origins)
        self._table("rule_port", "rid INTEGER, port VARCHAR", ports)
        self.groups = keyword_groups(sorted({word for _, word in words if "\x00" not in word}))
        lengths = {table: sorted({row[1] for row in anchors[table]}) for table in ("hs", "hs_origin")}
        self.sql = self._compile(lengths, any("\x00" in w for _, w in words))

    def _table(self, name: str, columns: str, rows: list) -> None:
        self.db.execute(f"CREATE TABLE {name} ({columns})")
        if rows:
            names = [column.split()[0] for column in columns.split(", ")]
            frame = {}
            for column, values in zip(names, zip(*rows, strict=True), strict=True):
                frame[column] = np.array(values, dtype=object if isinstance(values[0], str) else None)
            self.db.register("rows", frame)
            self.db.execute(f"INSERT INTO {name} SELECT * FROM rows")
            self.db.unregister("rows")

    def _compile(self, lengths: dict[str, list[int]], nul_keywords: bool) -> str:
        checked = (
            "(a.dir = 0 OR a.dir = i.dir) AND i.value >= a.low AND i.value <= a.high AND i.at >= a.vfrom "
            "AND i.at < a.vto"
        )
        reached = "i.iid, a.rid, a.more, i.origin, i.port"
        branches = [
            f"SELECT {reached} FROM items i JOIN anchor_hs a ON a.len = {n} AND a.prefix = substr(i.hs, 1, {n}) "
            f"AND {checked}"
            for n in lengths["hs"]
        ] + [
            f"SELECT {reached} FROM items i JOIN anchor_hs_origin a ON a.len = {n} "
            f"AND a.prefix = substr(i.hs, 1, {n}) AND a.origin = i.origin AND {checked}"
            for n in lengths["hs_origin"]
        ]
        branches += [
            f"SELECT {reached} FROM firm_pairs p JOIN anchor_firm a ON a.rid = p.rid JOIN items i ON i.iid = p.iid "
            f"AND {checked}",
            f"SELECT {reached} FROM keyword_pairs p JOIN anchor_keyword a ON a.rid = p.rid "
            f"JOIN items i ON i.iid = p.iid AND {checked}",
            f"SELECT {reached} FROM items i JOIN anchor_origin a ON a.origin = i.origin AND {checked}",
            f"SELECT {reached} FROM items i JOIN anchor_port a ON a.port = i.port AND {checked}",
            f"SELECT {reached} FROM items i JOIN anchor_all a ON {checked}",
        ]
        scans = []
        for group in self.groups:
            pattern = "|".join(_literal(word) for word in group)
            scans.append(
                f"SELECT iid, unnest(regexp_extract_all(description, '{pattern}')) AS keyword FROM items "
                f"WHERE regexp_matches(description, '{pattern}')"
            )
        if nul_keywords:  # RE2 patterns in SQL literals cannot hold NUL: checked one by one
            scans.append(
                "SELECT i.iid, k.keyword FROM items i JOIN rule_keyword k ON strpos(k.keyword, chr(0)) > 0 "
                "AND contains(i.description, k.keyword)"
            )
        found = " UNION ALL ".join(scans) or "SELECT NULL::INTEGER AS iid, NULL::VARCHAR AS keyword WHERE false"
        return f"""
WITH found AS ({found}),
keyword_pairs AS (SELECT DISTINCT f.iid, k.rid FROM found f JOIN rule_keyword k USING (keyword)),
firm_pairs AS (SELECT DISTINCT f.iid, r.rid FROM item_firm f JOIN rule_firm r USING (firm)),
candidates AS ({" UNION ALL ".join(branches)})
SELECT iid, rid FROM candidates WHERE NOT more
UNION ALL
SELECT c.iid, c.rid
FROM candidates c
JOIN rules r ON r.rid = c.rid
LEFT JOIN rule_origin o ON o.rid = c.rid AND o.country = c.origin
LEFT JOIN rule_port p ON p.rid = c.rid AND p.port = c.port
LEFT JOIN firm_pairs f ON f.iid = c.iid AND f.rid = c.rid
LEFT JOIN keyword_pairs k ON k.iid = c.iid AND k.rid = c.rid
WHERE c.more
  AND (NOT r.has_origin OR o.rid IS NOT NULL)
  AND (NOT r.has_port OR p.rid IS NOT NULL)
  AND (NOT r.has_firm OR r.anchor = 'firm' OR f.rid IS NOT NULL)
  AND (NOT r.has_keyword OR r.anchor = 'keyword' OR k.rid IS NOT NULL)
"""

    def load(self, items: list[Item]) -> None:
        """The batch as the tables `items` and `item_firm` (replacing the last batch's), through NumPy columns."""
        n = len(items)
        _, _, directions, codes, origins, firms, ports, descriptions, values, _, moments = (
            zip(*items, strict=True) if n else ([()] * 11)
        )
        frame = {
            "iid": np.arange(n, dtype=np.int32),
            "dir": np.fromiter(map(_DIRECTION.__getitem__, directions), np.int8, n),
            "hs": np.array(codes, dtype=object),
            "origin": np.array(origins, dtype=object),
            "port": np.array(ports, dtype=object),
            "description": np.array(descriptions, dtype=object),
            "value": np.fromiter(values, np.float64, n),
            "at": np.fromiter(moments, np.float64, n),
        }
        counts = np.fromiter(map(len, firms), np.int64, n)
        firm_frame = {
            "iid": np.repeat(np.arange(n, dtype=np.int32), counts),
            "firm": np.array(list(itertools.chain.from_iterable(firms)), dtype=object),
        }
        self.db.register("item_frame", frame)
        self.db.register("firm_frame", firm_frame)
        self.db.execute("CREATE OR REPLACE TABLE items AS SELECT * FROM item_frame")
        self.db.execute("CREATE OR REPLACE TABLE item_firm AS SELECT * FROM firm_frame")
        self.db.unregister("item_frame")
        self.db.unregister("firm_frame")

    def query(self) -> tuple[np.ndarray, np.ndarray]:
        """The matched (item index, rule index) pairs of the loaded batch before sampling, each once, in no order
        (rule indices in the results' order of rule ids, from 0)."""
        found = self.db.execute(self.sql).fetchnumpy()
        return np.asarray(found["iid"], np.int64), np.asarray(found["rid"], np.int64) - 1

    def screen(self, items: list[Item]) -> list[dict]:
        """The results of Engine.screen (without a supervision policy), end to end: load, query, then sampling and
        the strongest action per item, with NumPy over the pairs as the engine does it."""
        if not items:
            return []
        self.load(items)
        pi, pr = self.query()
        order = np.lexsort((pr, pi))
        pi, pr = pi[order], pr[order]
        strengths = self._strength[pr + 1]
        sampled = np.flatnonzero(strengths == STRENGTH["sample"])
        if len(sampled):
            kept = np.ones(len(pi), bool)
            for k, i, r in zip(sampled.tolist(), pi[sampled].tolist(), pr[sampled].tolist(), strict=True):
                item, rule = items[i], self.rules[r]
                kept[k] = selected(item.declaration_id, item.item_no, rule.id, rule.sampling_rate)
            pi, pr, strengths = pi[kept], pr[kept], strengths[kept]
        matched: list = [()] * len(items)
        strongest = np.zeros(len(items), np.int8)
        if len(pi):
            firsts = np.flatnonzero(np.concatenate(([True], pi[1:] != pi[:-1])))
            strongest[pi[firsts]] = np.maximum.reduceat(strengths, firsts)
            ids = self._ids
            for i, begin, end in zip(
                pi[firsts].tolist(), firsts.tolist(), [*firsts[1:].tolist(), len(pi)], strict=True
            ):
                matched[i] = tuple(ids[r] for r in pr[begin:end].tolist())
        actions = [_ACTION_OF[level] for level in strongest.tolist()]
        return [
            {
                "declaration_id": item.declaration_id,
                "item_no": item.item_no,
                "matched_rules": rule_ids,
                "action": action,
            }
            for item, rule_ids, action in zip(items, matched, actions, strict=True)
        ]
