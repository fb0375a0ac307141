"""Reading one row together with the row a foreign key of it names, by one SELECT whose text and converters are
worked out once per database, into model instances with the ORM's conversions (Model.from_db, as a query
would). For a look-up on every request, where compiling the ORM's query is most of the cost: 0.9–1.0 ms through
`select_related` against one kept statement and one round trip (docs/decisions/0011)."""

from django.db import connections


class JoinedReader:
    """`JoinedReader(ApiToken, "organisation", "digest").read(value)`: the ApiToken whose digest is `value`, its
    `organisation` set, or None."""

    def __init__(self, model, related: str, key: str):
        self.model, self.related, self.key = model, related, key
        self._statements: dict = {}

    def read(self, value):
        db = connections[self.model.objects.db]
        if db.alias not in self._statements:
            self._statements[db.alias] = self._statement(db)
        sql, split, own, other = self._statements[db.alias]
        with db.cursor() as cursor:
            cursor.execute(sql, [value])
            row = cursor.fetchone()
        if row is None:
            return None
        obj = _instance(self.model, db, *own, row[:split])
        setattr(obj, self.related, _instance(self.target, db, *other, row[split:]))
        return obj

    @property
    def target(self):
        return self.model._meta.get_field(self.related).related_model

    def _statement(self, db) -> tuple:
        quote = db.ops.quote_name
        own_columns, own_names, own_converters = _shape(self.model, db)
        other_columns, other_names, other_converters = _shape(self.target, db)
        table, other = quote(self.model._meta.db_table), quote(self.target._meta.db_table)
        sql = (
            f"SELECT {own_columns}, {other_columns} FROM {table} JOIN {other} "  # noqa: S608 - names quoted
            f"ON {other}.{quote(self.target._meta.pk.column)} = "
            f"{table}.{quote(self.model._meta.get_field(self.related).column)} "
            f"WHERE {table}.{quote(self.model._meta.get_field(self.key).column)} = %s"
        )
        return sql, len(own_names), (own_names, own_converters), (other_names, other_converters)


def _shape(model, db) -> tuple[str, list[str], list]:
    """A model's columns for a SELECT (qualified by its table), their attnames, and each column's converters (the
    backend's and the field's, as the ORM's compiler applies them)."""
    quote, table = db.ops.quote_name, model._meta.db_table
    fields = model._meta.concrete_fields
    converters = []
    for n, f in enumerate(fields):
        column = f.get_col(table)
        found = [*db.ops.get_db_converters(column), *column.get_db_converters(db)]
        if found:
            converters.append((n, column, found))
    selected = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
    return selected, [f.attname for f in fields], converters


def _instance(model, db, names: list[str], converters: list, row) -> object:
    values = list(row)
    for n, column, functions in converters:
        for convert in functions:
            values[n] = convert(values[n], column, db)
    return model.from_db(db.alias, names, values)
