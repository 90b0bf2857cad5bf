"""Plain multi-row INSERTs for bulk writes (the partner import, the lead batch).

``bulk_create`` spends most of its time preparing each value of each object through
the field's ``get_db_prep_save`` and, on SQLite, splits inserts at 999 parameters;
the import knows its value types, so it adapts them once per column and hands whole
batches to ``executemany``. Primary keys are reserved up front (a PostgreSQL
sequence; on SQLite, past both the table's largest id and its AUTOINCREMENT counter,
under the write lock the batch's transaction holds), so rows can refer to each other
without reading anything back.
"""

from collections.abc import Collection, Iterable, Sequence

from django.db import connection, models

from openprm.core import jsontext


def _converter(field: models.Field):
    kind = field.get_internal_type()
    if kind == "JSONField":
        return jsontext.dumps  # json.dumps's text, without an encoder per value
    if kind == "UUIDField":
        if connection.vendor == "postgresql":
            return None
        # A UUID, or 32 hex digits already (jsontext.ordered_uuids).
        return lambda value: value if type(value) is str else value.hex
    if kind == "DateTimeField":
        return _last(connection.ops.adapt_datetimefield_value)
    if kind in ("DecimalField", "FileField", "ImageField"):
        return _last(lambda value: field.get_db_prep_save(value, connection))
    return None


def datetime_value(value):
    """A timestamp in the database's form for ``Table.insert_prepared``."""
    return connection.ops.adapt_datetimefield_value(value)


def _last(convert):
    """``convert``, remembering its last value: a batch's rows share their
    timestamps and most of their empty values."""
    memo = [object(), None]

    def converted(value):
        if value is not memo[0]:
            memo[0], memo[1] = value, convert(value)
        return memo[1]

    return converted


class Table:
    """INSERTs into a model's table, of the given fields (attribute names)."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]):
        self.fields = list(fields)
        by_name = {field.attname: field for field in model._meta.concrete_fields}
        self.model = model
        self.converters = [_converter(by_name[name]) for name in self.fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(by_name[name].column) for name in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = quote(model._meta.db_table)
        # Identifiers from the model's metadata, quoted; values are parameters.
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608

    def prepare(self, row: Sequence) -> list:
        """A row of values in the order of ``fields``, in the database's form."""
        row = list(row)
        for index, convert in enumerate(self.converters):
            if convert is not None and row[index] is not None:
                row[index] = convert(row[index])
        return row

    def insert_prepared(self, rows: Sequence[Sequence]) -> None:
        """Insert rows already in the database's form (``prepare``, or built so:
        JSON as text, timestamps through ``datetime_value``)."""
        copy_rows(self.model, self.fields, rows)

    def insert(self, rows: Iterable[Sequence], *, ignore_conflicts=False) -> None:
        """Insert rows given as value tuples in the order of ``fields``."""
        prepared = [self.prepare(row) for row in rows]
        if not ignore_conflicts:
            self.insert_prepared(prepared)  # one COPY on PostgreSQL
            return
        if not prepared:
            return
        if connection.vendor == "sqlite":
            sql = self.sql.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)
        else:
            sql = self.sql + " ON CONFLICT DO NOTHING"
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` unused primary keys of ``model``'s table (call inside the write
    transaction)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        # A quoted table name from the model's metadata; the value is a parameter.
        sql = f"SELECT MAX(id), (SELECT seq FROM sqlite_sequence WHERE name = %s) FROM {quote(table)}"  # noqa: E501, S608
        cursor.execute(sql, [table])
        largest, counter = cursor.fetchone()
    start = max(largest or 0, counter or 0) + 1
    return list(range(start, start + count))


def pairs_in(
    model: type[models.Model],
    key: str,
    value: str,
    keys: Collection,
    *,
    where: dict | None = None,
    exclude: dict | None = None,
) -> dict:
    """``{key: value}`` of the rows whose ``key`` field is one of ``keys`` (and whose
    ``where`` fields equal the values given, and whose ``exclude`` fields do not):
    one query, without preparing each parameter through the field as a ``__in``
    lookup does. ``exclude`` repeats a partial index's condition, which SQLite
    (and PostgreSQL, for more than 100 keys) needs spelled out to use the index."""
    return dict(rows_in(model, (key, value), key, keys, where=where, exclude=exclude))


class PlannerStatistics:
    """Keeps PostgreSQL's statistics of one table in step with a long bulk write.

    The planner chooses its indexes from the table's last ``ANALYZE``: a table
    that was small then and has grown by a million rows in one import is still
    planned as small (on a partner's lines, "scan the partner's rows" instead of
    "look up these invoice numbers"), and each batch's reads grow with the table.
    Autovacuum would catch up eventually, if it runs; the writer knows better:
    once it has written as many rows as the planner believes the table holds,
    it analyses the table (a sample, ~0.1 s), so the estimate at most doubles
    between two refreshes. Nothing to do on SQLite, whose planner keeps choosing
    the index with the most equality columns whatever the table's size."""

    def __init__(self, model: type[models.Model], *, at_least: int = 10_000):
        self.table = model._meta.db_table
        self.at_least = at_least
        self.written = 0

    def wrote(self, rows: int) -> bool:
        """Count ``rows`` more written; analyses the table when due (returns
        whether it did)."""
        self.written += rows
        if connection.vendor != "postgresql" or self.written < self.at_least:
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [self.table]
            )
            (believed,) = cursor.fetchone()
            if self.written < believed:
                return False
            cursor.execute(f"ANALYZE {connection.ops.quote_name(self.table)}")
        self.written = 0
        return True


def rows_in(
    model: type[models.Model],
    fields: Sequence[str],
    key: str,
    keys: Collection,
    *,
    where: dict | None = None,
    exclude: dict | None = None,
) -> list[tuple]:
    """The ``fields`` (names as ``values_list`` takes them, ``id`` or ``partner``
    for a foreign key's column) of the rows whose ``key`` field is one of ``keys``,
    as ``pairs_in`` selects them: one query, its parameters unprepared (so the
    values are the column's type: ints, strings, dates)."""
    if not keys:
        return []
    meta = model._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    conditions = [f"{column(name)} = %s" for name in where or {}]
    conditions += [f"NOT ({column(name)} = %s)" for name in exclude or {}]
    marks = ", ".join(["%s"] * len(keys))
    conditions.append(f"{column(key)} IN ({marks})")
    selected = ", ".join(column(name) for name in fields)
    # Identifiers from the model's metadata, quoted; values are parameters.
    sql = (
        f"SELECT {selected} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {' AND '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(where or {}).values(), *(exclude or {}).values(), *keys])
        return cursor.fetchall()


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]
) -> None:
    """Insert rows whose values are already in the database's form (JSON as text,
    timestamps adapted, UUIDs as the backend stores them), given in the order of
    ``fields`` (attribute names): ``COPY`` on PostgreSQL — one statement for the
    batch instead of one per row — and ``executemany`` elsewhere."""
    if not rows:
        return
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(by_name[name].column) for name in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Identifiers from the model's metadata, quoted; values are streamed.
            # The database's errors as Django's (IntegrityError for a taken key).
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        # Identifiers from the model's metadata, quoted; values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, rows)
