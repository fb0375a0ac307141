"""Bulk writes for imports: one executemany per batch instead of Django's per-row SQL assembly.

Django's bulk_create builds the SQL of every row and field in Python (and on SQLite, in chunks of a few rows
because of the bound-parameter limit); bulk_update builds a CASE expression per field and row. Both cost more
than the write itself at 100,000 rows. Values are still prepared by each field, as save() prepares them.
"""

from django.db import DEFAULT_DB_ALIAS, connections, models

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


def _steps(fields, db):
    return [(f, None if type(f) in _PLAIN else (lambda v, f=f: f.get_db_prep_save(v, db))) for f in fields]


def _values(steps, obj, add: bool) -> list:
    out = []
    for field, prepare in steps:
        value = field.pre_save(obj, add)
        out.append(prepare(value) if prepare else value)
    return out


def insert_rows(objects: list, model=None) -> None:
    """INSERT the objects (without primary keys) in one executemany. The caller reads their ids back by a
    natural key when it needs them: executemany returns none."""
    if not objects:
        return
    model = model or type(objects[0])
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    steps = _steps(fields, db)
    params = [_values(steps, obj, True) for obj in objects]
    with db.cursor() as cursor:
        cursor.executemany(sql, params)


def insert_values(model, names: list[str], rows: list[list], *, ignore_conflicts: bool = False) -> None:
    """INSERT rows given as lists of Python values for the named fields (foreign keys by their attname, e.g.
    "information_id"), prepared by each field; with ignore_conflicts a row that breaks a unique constraint is
    skipped (ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike)."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    fields = [model._meta.get_field(n[:-3] if n.endswith("_id") else n) for n in names]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})" + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
    )
    steps = _steps(fields, db)
    params = [[prepare(v) if prepare else v for v, (_f, prepare) in zip(row, steps, strict=True)] for row in rows]
    with db.cursor() as cursor:
        cursor.executemany(sql, params)


def update_rows(objects: list, names: list[str], model=None) -> None:
    """UPDATE … WHERE id = ? for many rows in one executemany."""
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
    steps = _steps(fields, db)
    params = [[*_values(steps, obj, False), obj.pk] for obj in objects]
    with db.cursor() as cursor:
        cursor.executemany(sql, params)
