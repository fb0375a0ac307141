"""Retro-screening (追溯调查): every past declaration item a control rule would have matched, found in the
declaration history kept as Parquet and queried with DuckDB. No Django.

A history is a directory of two projections of the same items (the exchange format's fields, `description`
already casefolded so that keywords match as the engine matches them, `declared_at` in UTC):
  by_hs/*.parquet          one row per item, sorted by HS code;
  by_enterprise/*.parquet  one row per item and enterprise (`enterprise_id`), sorted by enterprise.
Sorted files let DuckDB skip the row groups that cannot hold a match: a rule with HS prefixes reads by_hs
(prefix p is the range p ≤ code < p + ':', ':' following '9'), a rule naming enterprises but no prefixes reads
by_enterprise; any other rule scans by_hs. A single Parquet file is read as by_hs.

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


def _source(rule: Rule, history: str | Path, since, until) -> tuple[str, str, list]:
    """The Parquet files to read for the rule, and its condition with parameters."""
    source = Path(history)
    condition, params = rule_filter(rule, since, until)
    if not source.is_dir():
        files = str(source)
    elif rule.enterprise_ids and not rule.hs_prefixes:
        files = str(source / "by_enterprise" / "*.parquet")
        condition += f" AND enterprise_id IN ({', '.join('?' * len(rule.enterprise_ids))})"
        params += sorted(rule.enterprise_ids)
    else:
        files = str(source / "by_hs" / "*.parquet")
    return files, condition, params


def retro_screen(rule: Rule, history: str | Path, *, since=None, until=None, connection=None) -> list[tuple]:
    """(declaration_id, item_no) of every item in the history (a directory as above, or one Parquet file) that
    the rule would have matched, ordered by declaration and item."""
    import duckdb

    db = connection or duckdb.connect()
    files, condition, params = _source(rule, history, since, until)
    sql = (
        f"SELECT DISTINCT declaration_id, item_no FROM read_parquet(?) WHERE {condition} "  # noqa: S608 - values bound
        "ORDER BY declaration_id, item_no"
    )
    return db.execute(sql, [files, *params]).fetchall()


def retro_items(rule: Rule, history: str | Path, *, limit: int, since=None, until=None) -> tuple[int, list[dict]]:
    """How many past items the rule would have matched, and the newest `limit` of them whole (the exchange
    format's fields, `declared_at` in UTC) — what follow-up tasks are opened from."""
    import duckdb

    db = duckdb.connect()
    files, condition, params = _source(rule, history, since, until)
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
    """Add items to a history directory as one more part of each projection."""
    import duckdb

    db = connection or duckdb.connect()
    columns = ", ".join(f"{column} {kind}" for column, kind in COLUMNS.items())
    db.execute(f"CREATE OR REPLACE TEMP TABLE history_rows ({columns})")
    if items:
        db.executemany(
            f"INSERT INTO history_rows VALUES ({', '.join('?' * len(COLUMNS))})",  # noqa: S608 - fixed SQL
            [
                (
                    i.declaration_id,
                    i.item_no,
                    i.direction,
                    i.hs_code,
                    i.origin_country,
                    list(i.enterprise_ids),
                    i.port,
                    i.description,
                    i.value,
                    i.declared_at.astimezone(dt.UTC).replace(tzinfo=None),
                )
                for i in items
            ],
        )
    write_projections(db, "history_rows", Path(directory), name)
    db.execute("DROP TABLE history_rows")
