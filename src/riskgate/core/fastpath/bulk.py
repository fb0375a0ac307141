"""Bulk writes for imports: one executemany (SQLite) or COPY (PostgreSQL) per batch instead of Django's per-row
SQL assembly.

Django's bulk_create builds the SQL of every row and field in Python (and on SQLite, in chunks of a few rows
because of the bound-parameter limit); bulk_update builds a CASE expression per field and row. Both cost more
than the write itself at 100,000 rows. Values are still prepared by each field, as save() prepares them.
"""

import json
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.base import ModelState
from django.utils import timezone

# Fields whose Python value is already what the database driver takes (a str, int or bool, or None): exactly
# these classes, not their subclasses (an encrypted text field prepares its value).
_PLAIN = {
    models.CharField,
    models.TextField,
    models.PositiveIntegerField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
    models.BinaryField,
    models.ForeignKey,
}


def new_instances(model, rows: list[dict]) -> list:
    """Unsaved instances of the model with each row's values over the fields' defaults; the same as calling
    model(**row), without Model.__init__'s per-field keyword handling (the dominant cost of building 100,000
    instances). Only concrete fields are set, by attname (e.g. "organisation_id"); no signals are sent."""
    fields = model._meta.concrete_fields
    fixed = {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))}
    made = [(f.attname, f.default) for f in fields if f.has_default() and callable(f.default)]  # e.g. list, now
    out = []
    for row in rows:
        obj = model.__new__(model)
        state = obj._state = ModelState()
        state.adding, state.db = True, None
        values = obj.__dict__
        values.update(fixed)
        for attname, default in made:
            if attname not in row:
                values[attname] = default()
        values.update(row)
        out.append(obj)
    return out


def _steps(fields, db, add: bool):
    """How each field's value is taken and prepared. Values that recur in a batch (timestamps, which are one
    moment per batch) are prepared once; auto_now fields take the batch's moment, as in one save()."""
    now = timezone.now()
    steps = []
    for f in fields:
        stamp = getattr(f, "auto_now", False) or (add and getattr(f, "auto_now_add", False))
        if type(f) in _PLAIN:
            prepare = None
        elif isinstance(f, models.JSONField) and db.vendor in ("postgresql", "sqlite"):
            prepare = _json_text(f.encoder)
        elif isinstance(f, models.DateTimeField):
            prepare = _memoised(lambda v, f=f: f.get_db_prep_save(v, db))
        else:
            prepare = lambda v, f=f: f.get_db_prep_save(v, db)  # noqa: E731
        steps.append((f.attname, now if stamp else None, prepare))
    return steps


def _json_text(encoder):
    """JSON as text — what SQLite stores, and what COPY and the statements here hand PostgreSQL to parse as
    jsonb (Django's own preparation is the same json.dumps); lists of strings (countries, hazard types) recur and
    are dumped once."""
    seen: dict = {}

    def dump(value):
        if isinstance(value, list) and all(type(v) is str for v in value):
            key = tuple(value)
            if key not in seen:
                seen[key] = json.dumps(value, cls=encoder)
            return seen[key]
        return json.dumps(value, cls=encoder)  # None too: Django stores it as JSON null

    return dump


def _memoised(prepare):
    seen: dict = {}

    def cached(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = prepared = prepare(value)
            return prepared
        except TypeError:  # unhashable
            return prepare(value)

    return cached


def _values(steps, obj) -> list:
    out = []
    values = obj.__dict__
    for attname, stamp, prepare in steps:
        if stamp is not None:
            values[attname] = value = stamp
        else:
            value = values[attname] if attname in values else getattr(obj, attname)  # a deferred field loads
        out.append(prepare(value) if prepare else value)
    return out


def new_ids(model, count: int) -> list[int]:
    """Primary keys for `count` rows the caller inserts in its transaction (insert_rows(with_ids=True)), so it
    need not read them back. PostgreSQL: taken from the table's sequence. SQLite: past the largest id used
    (AUTOINCREMENT's counter included; it moves past the ids inserted); the transaction holds SQLite's single
    write lock (BEGIN IMMEDIATE), so nobody else takes them meanwhile."""
    if count <= 0:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    table, pk = model._meta.db_table, model._meta.pk.column
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if not db.in_atomic_block:
            raise RuntimeError("new_ids must run inside the transaction that inserts the rows")
        quote = db.ops.quote_name
        cursor.execute(
            f"SELECT MAX(m) FROM (SELECT MAX({quote(pk)}) AS m FROM {quote(table)} "  # noqa: S608 - names from the model
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        start = (cursor.fetchone()[0] or 0) + 1
        return list(range(start, start + count))


def insert_rows(objects: list, model=None, *, with_ids: bool = False) -> None:
    """INSERT the objects in one executemany (SQLite) or COPY (PostgreSQL), without their primary keys, or
    with them (with_ids: from new_ids). Without, the caller reads the ids back by a natural key when it needs
    them: neither statement returns them."""
    if not objects:
        return
    model = model or type(objects[0])
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    head, per_row = _insert(model, fields, db)
    steps = _steps(fields, db, add=True)
    params = [_values(steps, obj) for obj in objects]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            _copy(cursor, model._meta.db_table, [f.column for f in fields], params)
        else:
            cursor.executemany(head + per_row, params)


# Up to this many rows, PostgreSQL gets one multi-row statement rather than COPY (insert_values) and a statement of
# insert_returning carries them all: a hot path's few rows, where a round trip costs more than the statement's
# size. Within the server's 65,535 bound parameters.
_FEW_ROWS = 500
_PG_PARAMS = 65_535


def _insert(model, fields, db) -> tuple[str, str]:
    """The head of an INSERT of the fields ("INSERT INTO t (a, b) VALUES ") and one row's placeholders. PostgreSQL's
    JSON goes as text (see _steps, for COPY), so it is cast to jsonb, which an untyped literal needs not but a
    bound text parameter (server-side binding) does."""
    quote = db.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608
    jsonb = db.vendor == "postgresql"
    return head, f"({', '.join('%s::jsonb' if jsonb and isinstance(f, models.JSONField) else '%s' for f in fields)})"


def insert_returning(objects: list, model=None) -> None:
    """INSERT the objects as multi-row statements (INSERT … VALUES (…), (…) RETURNING id), setting each object's
    primary key from what the database returns — one statement for a hot path's few rows, where new_ids and
    insert_rows take two or more (new_ids alone took 1.2 ms of the screening request on PostgreSQL, on a loaded
    machine of two CPUs shared with the server). Rows come back in the order of VALUES, on which Django's
    bulk_create relies too. SQLite: as many rows a statement as its 999 bound parameters allow."""
    if not objects:
        return
    model = model or type(objects[0])
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    head, per_row = _insert(model, fields, db)
    tail = f" RETURNING {db.ops.quote_name(model._meta.pk.column)}"
    limit = db.features.max_query_params
    size = max(1, limit // len(fields) if limit else min(_FEW_ROWS, _PG_PARAMS // len(fields)))
    steps = _steps(fields, db, add=True)
    with db.cursor() as cursor:
        for start in range(0, len(objects), size):
            chunk = objects[start : start + size]
            params = [value for obj in chunk for value in _values(steps, obj)]
            cursor.execute(head + ", ".join([per_row] * len(chunk)) + tail, params)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, db.alias


def insert_values(model, names: list[str], rows: list[list], *, ignore_conflicts: bool = False) -> None:
    """INSERT rows given as lists of Python values for the named fields (foreign keys by their attname, e.g.
    "information_id"), prepared by each field; with ignore_conflicts a row that breaks a unique constraint is
    skipped (ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike)."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    fields = [model._meta.get_field(n) for n in names]  # by name, or a foreign key by its attname
    head, per_row = _insert(model, fields, db)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    steps = [prepare for _name, _stamp, prepare in _steps(fields, db, add=True)]
    params = [[prepare(v) if prepare else v for v, prepare in zip(row, steps, strict=True)] for row in rows]
    with db.cursor() as cursor:
        if db.vendor != "postgresql":
            cursor.executemany(head + per_row + conflict, params)
            return
        if len(rows) <= _FEW_ROWS and len(rows) * len(fields) <= _PG_PARAMS:  # one statement, one round trip
            cursor.execute(head + ", ".join([per_row] * len(rows)) + conflict, [v for row in params for v in row])
            return
        table, columns = model._meta.db_table, [f.column for f in fields]
        if not ignore_conflicts:
            _copy(cursor, table, columns, params)
            return
        # COPY cannot skip conflicting rows: copy into a scratch table, then INSERT … ON CONFLICT DO NOTHING.
        names = ", ".join(quote(c) for c in columns)
        with _scratch(cursor, table, columns, params) as scratch:
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {scratch} ON CONFLICT DO NOTHING"  # noqa: S608
            )


def update_rows(objects: list, names: list[str], model=None) -> None:
    """UPDATE … WHERE id = ? for many rows in one executemany (SQLite); on PostgreSQL one UPDATE … FROM a
    scratch table filled by COPY."""
    if not objects:
        return
    model = model or type(objects[0])
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    fields = [model._meta.get_field(n) for n in names]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    steps = _steps(fields, db, add=False)
    params = [[*_values(steps, obj), obj.pk] for obj in objects]
    with db.cursor() as cursor:
        if db.vendor != "postgresql":
            cursor.executemany(sql, params)
            return
        table, pk = model._meta.db_table, model._meta.pk.column
        columns = [f.column for f in fields]
        with _scratch(cursor, table, [*columns, pk], params) as scratch:
            assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns)
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {assignments} FROM {scratch} AS s WHERE t.{quote(pk)} = s.{quote(pk)}"  # noqa: S608
            )


@contextmanager
def _scratch(cursor, table: str, columns: list[str], params: list[list]):
    """PostgreSQL: a temporary table of the given columns of the table, filled with the rows by COPY, dropped
    after the block. Names come from the models, never from input."""
    quote = cursor.db.ops.quote_name
    scratch = f"bulk_{table}"
    names = ", ".join(quote(c) for c in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {quote(scratch)} AS SELECT {names} FROM {quote(table)} WITH NO DATA")  # noqa: S608
    try:
        _copy(cursor, scratch, columns, params)
        yield quote(scratch)
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(scratch)}")


def _copy(cursor, table: str, columns: list[str], params: list[list]) -> None:
    """PostgreSQL: the rows by COPY, several times faster than executemany's statement per row (bench/intake);
    values are adapted by psycopg as for a statement."""
    quote = cursor.db.ops.quote_name
    with cursor.cursor.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy:
        for row in params:
            copy.write_row(row)
