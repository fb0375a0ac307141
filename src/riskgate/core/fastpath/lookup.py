"""Reads (and one write) the ORM makes slow at bulk sizes: thousands of values as one parameter, rows without
per-value converters (tests/intake/test_import.py::test_the_fast_lookups_equal_the_orm)."""

import gc
import json
from contextlib import contextmanager

from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet


def _one_of(column: str, values) -> tuple[str, object]:
    """The condition "column is one of values" with the values as one parameter, and that parameter: an array on
    PostgreSQL, a JSON text read by json_each on SQLite (`column` already quoted)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", list(values)
    return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(list(values))  # noqa: S608 - name quoted


def ids_in(model, field: str, values: list[str], **equal) -> list[int]:
    """The ids of `model`'s rows whose `field` is one of `values` (never blank) and whose other fields equal
    `equal`: one statement with the values as one parameter. An ORM filter with thousands of placeholders costs
    ~50 ms per batch of an import, mostly in Python."""
    meta = model._meta
    quote = connection.ops.quote_name
    column = quote(meta.get_field(field).column)
    conditions = [f"{quote(meta.get_field(name).column)} = %s" for name in equal]
    # NOT (column = '') states a partial unique index's own condition word for word: SQLite uses such an index only
    # for queries that state it (it scanned the table with "<> ''").
    conditions.append(f"NOT ({column} = '')")
    one_of, listed = _one_of(column, values)
    conditions.append(one_of)
    sql = f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} WHERE {' AND '.join(conditions)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*equal.values(), listed])
        return [row[0] for row in cursor.fetchall()]


def delete_where_in(model, field: str, values) -> None:
    """DELETE `model`'s rows whose `field` is one of `values`: one statement with the values as one parameter (an
    ORM filter on 100,000 ids, in chunks of 5,000 placeholders, spent 0.2 s of a 50,000-row detection compiling
    them)."""
    if not values:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    where, listed = _one_of(quote(model._meta.get_field(field).column), sorted(values))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", [listed])  # noqa: S608 - names quoted


def raw_values(queryset: QuerySet, *fields: str) -> list[tuple]:
    """`queryset.values_list(*fields)` as the database returns the values, without the ORM's converters (at
    100,000 rows they cost more than what the caller does with the rows)."""
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class EpochSeconds(Func):
    """A time column as seconds since the epoch (a float), computed by the database: two million stored times
    read as text or datetimes and converted in Python cost seconds (bench/credit)."""

    output_field = FloatField()
    template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"

    def __init__(self, field: str):
        super().__init__(F(field))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra)


@contextmanager
def no_collection():
    """The cyclic garbage collector paused while millions of row tuples are made (they hold no cycles; every
    collection would walk them all: a third of the time of reading two million rows, bench/credit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
