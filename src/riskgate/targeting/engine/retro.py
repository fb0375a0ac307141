"""Retro-screening (追溯调查): every past declaration item a control rule would have matched, found in the
declaration history kept as Parquet and queried with DuckDB. No Django.

A history is a directory of two projections of the same items (the exchange format's fields, `description`
already casefolded so that keywords match as the engine matches them, `declared_at` in UTC):
  by_hs/*.parquet          one row per item, sorted by HS code;
  by_enterprise/*.parquet  one row per item and enterprise (`enterprise_id`), sorted by enterprise.
Sorted files let DuckDB skip the row groups that cannot hold a match: a rule with HS prefixes reads by_hs
(prefix p is the range p ≤ code < p + ':', ':' following '9'), a rule naming enterprises but no prefixes reads
by_enterprise; any other rule scans by_hs. A single Parquet file is read as by_hs. With `parts` (names of file
pairs, as a manifest lists them) only those files are read instead of every file in the directory.

What a rule "would have matched" looks back: its validity period and its sampling are not applied (the rule is
new; the question is which past goods fit its description). An explicit period can be given instead.
"""

import datetime as dt
from pathlib import Path

from .exchange import Item, Rule

COLUMNS = {
    "declaration_id": "VARCHAR",
    "item_no": "INTEGER",
    "direction": "VARCHAR",
    "hs_code": "VARCHAR",
    "origin_country": "VARCHAR",
    "enterprise_ids": "VARCHAR[]",
    "port": "VARCHAR",
    "description": "VARCHAR",
    "value": "DOUBLE",
    "declared_at": "TIMESTAMP",
}


def _any_of(clauses: list[str]) -> str:
    return "(" + " OR ".join(clauses) + ")"


def rule_filter(rule: Rule, since: dt.datetime | None = None, until: dt.datetime | None = None):
    """The rule as a SQL condition over the history's columns, with its parameters (values are never part of
    the SQL text)."""
    where, params = [], []
    if rule.direction != "any":
        where.append("direction = ?")
        params.append(rule.direction)
    if rule.hs_prefixes:
        where.append(_any_of(["(hs_code >= ? AND hs_code < ?)"] * len(rule.hs_prefixes)))
        for prefix in rule.hs_prefixes:
            params += [prefix, prefix + ":"]
    for column, values in (("origin_country", rule.origin_countries), ("port", rule.ports)):
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += sorted(values)
    if rule.enterprise_ids:
        where.append(f"list_has_any(enterprise_ids, [{', '.join('?' * len(rule.enterprise_ids))}]::VARCHAR[])")
        params += sorted(rule.enterprise_ids)
    if rule.keywords:
        where.append(_any_of(["contains(description, ?)"] * len(rule.keywords)))
        params += list(rule.keywords)
    if rule.min_value is not None:
        where.append("value >= ?")
        params.append(rule.min_value)
    if rule.max_value is not None:
        where.append("value <= ?")
        params.append(rule.max_value)
    for moment, operator in ((since, ">="), (until, "<")):
        if moment is not None:
            where.append(f"declared_at {operator} ?")
            params.append(moment.astimezone(dt.UTC).replace(tzinfo=None))
    return (" AND ".join(where) or "TRUE"), params


def _source(rule: Rule, history: str | Path, since, until, parts=None) -> tuple[str | list[str], str, list]:
    """The Parquet files to read for the rule, and its condition with parameters."""
    source = Path(history)
    condition, params = rule_filter(rule, since, until)
    projection = "by_hs"
    if not source.is_dir():
        return str(source), condition, params
    if rule.enterprise_ids and not rule.hs_prefixes:
        projection = "by_enterprise"
        condition += f" AND enterprise_id IN ({', '.join('?' * len(rule.enterprise_ids))})"
        params += sorted(rule.enterprise_ids)
    if parts is None:
        return str(source / projection / "*.parquet"), condition, params
    return [str(source / projection / f"{name}.parquet") for name in parts], condition, params


def retro_screen(
    rule: Rule, history: str | Path, *, since=None, until=None, connection=None, parts=None
) -> list[tuple]:
    """(declaration_id, item_no) of every item in the history (a directory as above, or one Parquet file) that
    the rule would have matched, ordered by declaration and item."""
    import duckdb

    if parts is not None and not parts:
        return []
    db = connection or duckdb.connect()
    files, condition, params = _source(rule, history, since, until, parts)
    sql = (
        f"SELECT DISTINCT declaration_id, item_no FROM read_parquet(?) WHERE {condition} "  # noqa: S608 - values bound
        "ORDER BY declaration_id, item_no"
    )
    return db.execute(sql, [files, *params]).fetchall()


def retro_items(
    rule: Rule, history: str | Path, *, limit: int, since=None, until=None, parts=None
) -> tuple[int, list[dict]]:
    """How many past items the rule would have matched, and the newest `limit` of them whole (the exchange
    format's fields, `declared_at` in UTC) — what follow-up tasks are opened from."""
    import duckdb

    if parts is not None and not parts:
        return 0, []
    db = duckdb.connect()
    files, condition, params = _source(rule, history, since, until, parts)
    names = ", ".join(COLUMNS)
    matched = f"SELECT DISTINCT {names} FROM read_parquet(?) WHERE {condition}"  # noqa: S608 - values bound
    total = db.execute(f"SELECT count(*) FROM ({matched})", [files, *params]).fetchone()[0]  # noqa: S608
    rows = db.execute(
        f"{matched} ORDER BY declared_at DESC, declaration_id, item_no LIMIT {int(limit)}", [files, *params]
    ).fetchall()
    return total, [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def write_projections(db, table: str, directory: Path, name: str) -> None:
    """Write the rows of a DuckDB table (the history's columns) as one part of both projections."""
    for projection, query in (
        ("by_hs", f"SELECT * FROM {table} ORDER BY hs_code"),  # noqa: S608 - names come from the caller's code
        ("by_enterprise", f"SELECT *, unnest(enterprise_ids) AS enterprise_id FROM {table} ORDER BY enterprise_id"),  # noqa: S608
    ):
        (directory / projection).mkdir(parents=True, exist_ok=True)
        db.execute(
            f"COPY ({query}) TO ? (FORMAT parquet, ROW_GROUP_SIZE 122880)",
            [str(directory / projection / f"{name}.parquet")],
        )


def write_history(items: list[Item], directory: str | Path, name: str = "part-00001", connection=None) -> None:
    """Add items to a history directory as one more part of each projection. The items reach DuckDB as NumPy
    columns in one statement (about 1 µs an item; DuckDB's executemany takes some 400 µs a row)."""
    import duckdb
    import numpy as np

    db = connection or duckdb.connect()
    columns = ", ".join(f"{column} {kind}" for column, kind in COLUMNS.items())
    db.execute(f"CREATE OR REPLACE TEMP TABLE history_rows ({columns})")
    if items:
        fields = dict(zip(Item._fields, zip(*items, strict=True), strict=True))

        def texts(values) -> np.ndarray:
            array = np.empty(len(items), dtype=object)
            array[:] = values
            return array

        batch = {column: texts(fields[column]) for column in COLUMNS if COLUMNS[column] == "VARCHAR"}
        batch["item_no"] = np.array(fields["item_no"], dtype=np.int64)
        batch["enterprise_ids"] = texts([list(ids) for ids in fields["enterprise_ids"]])
        batch["value"] = np.array(fields["value"], dtype=np.float64)
        # declared_at in UTC without a zone, from the POSIX time the parser keeps beside it (whole microseconds)
        batch["declared_at"] = np.round(np.array(fields["at"], dtype=np.float64) * 1e6).astype("datetime64[us]")
        db.register("history_batch", batch)
        try:
            db.execute(f"INSERT INTO history_rows SELECT {', '.join(COLUMNS)} FROM history_batch")  # noqa: S608
        finally:
            db.unregister("history_batch")
    write_projections(db, "history_rows", Path(directory), name)
    db.execute("DROP TABLE history_rows")


def merge_history(directory: str | Path, names: list[str], name: str, connection=None) -> int:
    """Write the items of the parts `names` of a history directory as one part `name` (both projections, sorted
    again); the parts themselves are left as they are. Returns the items written."""
    import duckdb

    db = connection or duckdb.connect()
    directory = Path(directory)
    files = [str(directory / "by_hs" / f"{part}.parquet") for part in names]
    db.execute("CREATE OR REPLACE TEMP TABLE history_rows AS SELECT * FROM read_parquet(?)", [files])
    count = db.execute("SELECT count(*) FROM history_rows").fetchone()[0]
    write_projections(db, "history_rows", directory, name)
    db.execute("DROP TABLE history_rows")
    return count
