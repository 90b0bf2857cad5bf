"""Database helpers the ORM does not offer, for SQLite and PostgreSQL alike."""

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.models import (
    Aggregate,
    BooleanField,
    Expression,
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.query import get_related_populators

from openprm.core import jsontext
from openprm.core.scoping import Scope, scope_for


class Slot(Expression):
    """A named parameter of compiled SQL, filled in each time the SQL runs
    (``bind``): one compilation serves every value (a page, a cap, a reader's id).

    It compiles to one placeholder whose parameter is the slot itself, so ``bind``
    finds it by its type and fills it by its name; no value is searched for.
    """

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", (self,)


def bind(sql: str, params, **values) -> tuple[str, tuple]:
    """Compiled SQL with every ``Slot`` among its parameters replaced by the value
    of its name (values no slot names are ignored)."""
    try:
        return sql, tuple(
            values[param.name] if isinstance(param, Slot) else param for param in params
        )
    except KeyError as missing:
        raise ValueError(f"No value for the SQL's slot {missing}") from None


class PreparedQuery:
    """A queryset compiled to SQL once per database, then run with another value for
    one of its parameters.

    Django compiles a query afresh every time it runs; for a small indexed lookup on
    every request (a reader's memberships, their session and user) compiling costs
    about ten times running. ``build(value)`` makes the queryset, with ``value`` a
    ``Slot`` where the value goes: it must reach the SQL as exactly one parameter,
    and the value is handed to the database as given (text for a text column).
    ``rows()`` returns the database's own values (no field converters): the caller
    decodes what it selected. ``instances()`` returns model instances as the
    queryset would (field converters applied, ``select_related`` objects filled
    in), for a queryset of model columns (no annotations or ``values()``).
    """

    VALUE = Slot("value")

    def __init__(self, build: Callable[[Any], QuerySet]):
        self.build = build
        self._compiled: dict[str, _Prepared] = {}

    def _compile(self, using: str) -> "_Prepared":
        queryset = self.build(self.VALUE)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [param for param in params if isinstance(param, Slot)]
        if len(slots) != 1 or slots[0].name != self.VALUE.name:
            raise ValueError("The value must reach the SQL as exactly one parameter")
        model = None
        columns = slice(0)
        init_list: list[str] = []
        converters: dict = {}
        related: list = []
        klass_info = compiler.klass_info
        if klass_info and not compiler.annotation_col_map:
            # As Django's ModelIterable reads rows: the model's own columns, then
            # each select_related object's, filled in by Django's populators.
            model = klass_info["model"]
            fields = klass_info["select_fields"]
            columns = slice(fields[0], fields[-1] + 1)
            init_list = [
                column.target.attname for column, *_ in compiler.select[columns]
            ]
            converters = compiler.get_converters(
                [column for column, *_ in compiler.select]
            )
            related = get_related_populators(klass_info, compiler.select, using)
        return _Prepared(
            sql, tuple(params), model, columns, init_list, converters, related
        )

    def _prepared(self, using: str) -> "_Prepared":
        prepared = self._compiled.get(using)
        if prepared is None:
            prepared = self._compiled[using] = self._compile(using)
        return prepared

    def rows(self, value: Any, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        prepared = self._prepared(using)
        return sql_rows(*bind(prepared.sql, prepared.params, value=value), using=using)

    def instances(self, value: Any, *, using: str = DEFAULT_DB_ALIAS) -> list:
        prepared = self._prepared(using)
        if prepared.model is None:
            raise ValueError("Instances need a queryset of model columns")
        connection = connections[using]
        instances = []
        for row in self.rows(value, using=using):
            values = list(row)
            for index, (functions, expression) in prepared.converters.items():
                for convert in functions:
                    values[index] = convert(values[index], expression, connection)
            instance = prepared.model.from_db(
                using, prepared.init_list, values[prepared.columns]
            )
            for populator in prepared.related:
                populator.populate(values, instance)
            instances.append(instance)
        return instances


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: tuple
    # For instances(): the model, its columns in a row and the attributes they
    # fill, the converters, the populators of select_related objects.
    model: Any
    columns: slice
    init_list: list[str]
    converters: dict
    related: list


class CompiledQueries:
    """The SQL of querysets, compiled once per key and database.

    The engine under ``CachedList``, which is how a read by a reader uses it: the
    key must **determine the queryset completely**, and only a cached list's
    reader context makes that checkable. Nothing in the SQL depends on the data,
    so nothing needs invalidating; the least recently used keys are dropped beyond
    ``size``. A queryset that cannot match anything (``.none()``) is kept as
    ``None``.
    """

    def __init__(self, *, size: int = 256):
        self.size = size
        self._compiled: OrderedDict[tuple, tuple[str, tuple] | None] = OrderedDict()
        self._lock = threading.Lock()

    def sql(
        self,
        key: Hashable,
        build: Callable[[], QuerySet],
        *,
        using: str = DEFAULT_DB_ALIAS,
    ) -> tuple[str, tuple] | None:
        full_key = (using, key)
        with self._lock:
            if full_key in self._compiled:
                self._compiled.move_to_end(full_key)
                return self._compiled[full_key]
        try:
            sql, params = build().query.get_compiler(using=using).as_sql()
            compiled = (sql, tuple(params))
        except EmptyResultSet:
            compiled = None
        with self._lock:
            self._compiled[full_key] = compiled
            while len(self._compiled) > self.size:
                self._compiled.popitem(last=False)
        return compiled

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()


@dataclass(frozen=True)
class ReaderContext:
    """What a cached list's query reads about its reader — their scope, the role
    facts it tests — as one frozen value, which is the list's cache key.

    Each list declares its own (a frozen dataclass deriving from this one or from
    ``ScopedReader``) with exactly the facts its query reads, and makes it from
    the user in one place. The query is built from the context and the filters
    alone, never from the user, so it cannot depend on a fact the key lacks; two
    readers share SQL exactly when their contexts are equal. A value that changes
    the rows but not the SQL (the reader's id in a condition, a page, a cap) is a
    ``Slot``, bound when the SQL runs.
    """


@dataclass(frozen=True)
class ScopedReader(ReaderContext):
    """A reader as a query that reads only their scope sees them: the partners
    whose rows they may read."""

    scope: Scope

    @classmethod
    def of(cls, user) -> "ScopedReader":
        return cls(scope=scope_for(user))


# Every cached list by name, for the tests generated for each of them
# (tests/test_cached_lists.py).
_CACHED_LISTS: dict[str, "CachedList"] = {}
# Types whose values cannot change: scalars, and frozen dataclasses once checked
# (by type, not on every read).
_FROZEN_TYPES: set[type] = {type(None), bool, int, float, str, bytes}


def _is_frozen(value) -> bool:
    """Whether a key part is a value that cannot change: a scalar, a tuple or
    frozenset of such values, or a frozen dataclass (its fields then hash, or the
    key cannot be made)."""
    kind = type(value)
    if kind in _FROZEN_TYPES:
        return True
    if kind is tuple or kind is frozenset:
        return all(_is_frozen(item) for item in value)
    # The class itself a frozen dataclass (a plain subclass of one may set
    # attributes of its own), or a scalar's subclass (a str enumeration).
    params = kind.__dict__.get("__dataclass_params__")
    if (params is not None and params.frozen) or issubclass(kind, str | int | float):
        _FROZEN_TYPES.add(kind)
        return True
    return False


class CachedList:
    """A read whose SQL is compiled once per reader context and filters, the cache
    key, and run with its slots bound on each request.

    Building a scoped, filtered queryset and compiling it cost more than running
    it on a hot, indexed read (the directory, the deal list). ``build(reader,
    filters)`` makes the queryset from a frozen ``ReaderContext`` and frozen
    filters, and from nothing else: it is given when the list is made, at import,
    so it cannot close over a request's user. Every cached list registers itself
    by ``name``; ``tests/test_cached_lists.py`` then holds it to giving each
    reader, in turn with others, the rows they read without it.
    """

    def __init__(
        self,
        name: str,
        build: Callable[[Any, Any], QuerySet],
        *,
        size: int = 256,
    ):
        if name in _CACHED_LISTS:
            raise ValueError(f"A cached list named {name!r} exists already")
        self.name = name
        self.build = build
        self._queries = CompiledQueries(size=size)
        _CACHED_LISTS[name] = self

    def sql(
        self,
        reader: ReaderContext,
        filters: Hashable = None,
        *,
        using: str = DEFAULT_DB_ALIAS,
    ) -> tuple[str, tuple] | None:
        """The SQL for this reader context and these filters, with its slots
        unbound; ``None`` when it can match nothing."""
        if not (isinstance(reader, ReaderContext) and _is_frozen(reader)):
            raise TypeError(f"{self.name} is read by a frozen ReaderContext")
        if not _is_frozen(filters):
            raise TypeError(f"{self.name} takes frozen filters")
        return self._queries.sql(
            (reader, filters), lambda: self.build(reader, filters), using=using
        )

    def rows(
        self,
        reader: ReaderContext,
        filters: Hashable = None,
        *,
        using: str = DEFAULT_DB_ALIAS,
        **values,
    ) -> list[tuple]:
        """The rows, with ``values`` in the SQL's slots by name."""
        compiled = self.sql(reader, filters, using=using)
        if compiled is None:
            return []
        return sql_rows(*bind(*compiled, **values), using=using)

    def clear(self) -> None:
        self._queries.clear()

    def __len__(self) -> int:
        """How many compiled queries the list holds (for tests)."""
        return len(self._queries._compiled)


def cached_lists() -> tuple[CachedList, ...]:
    """Every cached list made so far (their modules imported)."""
    return tuple(_CACHED_LISTS.values())


def sql_rows(sql: str, params, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """The rows of one SQL statement, as the database returns them."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def paged_sql(sql: str, params, *, limit: int, offset: int) -> tuple[str, tuple]:
    """An ordered, unsliced SELECT with a LIMIT/OFFSET page as parameters (Django
    writes them into the SQL as literals, so each page would compile anew)."""
    return f"{sql} LIMIT %s OFFSET %s", (*params, limit, offset)


def capped_count_sql(sql: str, params, *, limit: int) -> tuple[str, tuple]:
    """Count the rows of a SELECT up to ``limit`` of them: the database stops
    reading once it has them (``sql`` selects as few columns as will do)."""
    return (
        f"SELECT COUNT(*) FROM ({sql} LIMIT %s) capped",  # noqa: S608 (compiled SQL)
        (*params, limit),
    )


def raw_rows(queryset: QuerySet, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """The queryset's rows as the database returns them, without Django's field
    converters (no JSON decoding, UUIDs from text, datetimes from text on SQLite):
    for a hot read whose caller decodes what it selected once per value."""
    try:
        sql, params = queryset.query.get_compiler(using=using).as_sql()
    except EmptyResultSet:  # e.g. .none(): nothing to ask the database
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def page_by_keys(queryset: QuerySet, page: slice) -> QuerySet:
    """``queryset[page]`` in two steps that the database runs as one query: the
    page's primary keys, then those rows, in the same order.

    With an index that covers the filter and the order (e.g. an audit entry's
    partner, time and id), the keys come from the index alone, so a deep OFFSET
    skips index entries instead of whole rows; PostgreSQL would otherwise walk a
    time index and filter every row it passes.
    """
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    keys = queryset.values("pk")[page]
    return queryset.model._base_manager.filter(pk__in=Subquery(keys)).order_by(
        *ordering
    )


class JSONListContains(Expression):
    """Whether a JSON list (a JSONField, or a key of one) holds ``value``: a boolean
    expression for ``filter()`` and ``Q``, run in SQL on either database.

    SQLite has no ``contains`` lookup on JSONField, and matching the serialised text
    breaks on escaping; so SQLite looks the value up with ``json_each`` and
    PostgreSQL with jsonb containment (``@>``), which an index can serve. A missing
    key or a value that is not a list contains nothing.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression: str | Expression, value: Any):
        super().__init__()
        self.lhs = F(expression) if isinstance(expression, str) else expression
        self.value = value

    def get_source_expressions(self):
        return [self.lhs]

    def set_source_expressions(self, expressions):
        (self.lhs,) = expressions

    def as_sql(self, compiler, connection):
        raise NotSupportedError(
            "JSON list containment is implemented for SQLite and PostgreSQL only"
        )

    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        # Nested CASEs: json_type() raises on text that is not JSON, and SQLite
        # does not promise to short-circuit AND.
        # lhs_sql is the compiled column expression, never user input.
        sql = (
            f"EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid({lhs_sql}) THEN "  # noqa: S608
            f"CASE WHEN json_type({lhs_sql}) = 'array' THEN {lhs_sql} ELSE '[]' END "
            f"ELSE '[]' END) WHERE json_each.value = %s)"
        )
        return sql, (*lhs_params * 3, self.value)

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        return (
            f"COALESCE(({lhs_sql})::jsonb @> %s::jsonb, false)",
            (*lhs_params, json.dumps([self.value])),
        )


class InJSONList(Expression):
    """Whether a column's integer is among those of a JSON array given as one
    parameter (usually a ``Slot``): ``column IN (...)`` whose SQL is the same
    whatever the list's length, so a read that filters on a list found per request
    (a reader's audiences) is compiled once. SQLite reads the array with
    ``json_each``; PostgreSQL makes it an array once (an InitPlan) and compares
    with ``= ANY``, which an index serves as an IN list."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression: str | Expression, values: Any):
        super().__init__()
        self.lhs = F(expression) if isinstance(expression, str) else expression
        self.values = values

    def get_source_expressions(self):
        return [self.lhs]

    def set_source_expressions(self, expressions):
        (self.lhs,) = expressions

    def as_sql(self, compiler, connection):
        raise NotSupportedError(
            "A JSON list of values is implemented for SQLite and PostgreSQL only"
        )

    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        # lhs_sql is the compiled column expression, never user input.
        return (
            f"{lhs_sql} IN (SELECT value FROM json_each(%s))",  # noqa: S608
            (*lhs_params, self.values),
        )

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        return (
            f"{lhs_sql} = ANY(ARRAY(SELECT jsonb_array_elements_text(%s::jsonb)"
            "::bigint))",
            (*lhs_params, self.values),
        )


def json_list(values) -> str:
    """Integers as the JSON array an ``InJSONList`` parameter takes."""
    return json.dumps([int(value) for value in values])


class JSONArrayAgg(Aggregate):
    """A group's values as one JSON array, as text (``[]`` is never produced: a
    group has a row). SQLite's ``json_group_array``, PostgreSQL's ``jsonb_agg``; in
    a correlated ``Subquery`` it brings a row's children along with the row instead
    of a second query. The order of the items is the database's."""

    name = "JSONArrayAgg"
    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(
            "JSON array aggregation is implemented for SQLite and PostgreSQL only"
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="JSON_GROUP_ARRAY", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        # jsonb comes back as text (Django's loader), as SQLite's JSON does.
        return super().as_sql(
            compiler, connection, function="JSONB_AGG", **extra_context
        )


class DateTimeText(Func):
    """A UTC datetime column as text, ``YYYY-MM-DD HH:MM:SS[.ffffff]``, which the
    database driver hands back without parsing it into a ``datetime``: for a hot
    read that writes times as text anyway. SQLite gives the stored text (Django
    writes no fraction when the microseconds are zero); PostgreSQL always six
    digits of fraction."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(
            "Datetimes as text are implemented for SQLite and PostgreSQL only"
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(%(expressions)s AS TEXT)"
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="TO_CHAR(%(expressions)s AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD HH24:MI:SS.US')",
        )


def uuid_text(value) -> str | None:
    """A UUID as the API writes it: SQLite stores 32 hex digits, PostgreSQL's driver
    hands back a ``UUID``."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 32:
        return jsontext.uuid_text(value.lower())
    return str(value if isinstance(value, UUID) else UUID(value))


def datetime_text(value: str) -> str:
    """A UTC time read as text (:class:`DateTimeText`) as the API writes it, as
    ``DjangoJSONEncoder`` does: milliseconds, cut (not rounded) and left out when
    the microseconds are zero, and ``Z``."""
    if len(value) == 26 and value[10] == " " and value[19] == ".":
        if value[20:] == "000000":
            return f"{value[:10]}T{value[11:19]}Z"
        return f"{value[:10]}T{value[11:23]}Z"
    if len(value) == 19 and value[10] == " ":
        return f"{value[:10]}T{value[11:]}Z"
    # Stored some other way (written by hand): read it as ISO 8601.
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    text = moment.isoformat()
    return (text[:23] if moment.microsecond else text) + "Z"


def json_array_subquery(queryset: QuerySet, field: str) -> Subquery:
    """One column of ``queryset``'s rows as one JSON array (text; NULL or ``[]``
    when there are none): a scalar subquery that brings a small table's values
    along with another query's rows instead of a query of its own."""
    # Grouped by a constant, which Django leaves out of the GROUP BY: one group.
    return Subquery(
        queryset.order_by()
        .annotate(json_array_group=Value(1))
        .values("json_array_group")
        .annotate(json_array=JSONArrayAgg(field))
        .values("json_array")
    )


class CappedCount(Expression):
    """How many rows ``queryset`` matches, counted up to ``most`` (as
    ``capped_count_sql``), as a scalar subquery: another query's rows bring their
    list's count along. The subquery does not refer to the outer query, so the
    database runs it once, not once per row. ``most`` may be a slot
    (``COUNT_MOST``), bound when the SQL runs."""

    output_field = IntegerField()

    def __init__(self, queryset: QuerySet, most: "int | Slot"):
        super().__init__()
        self.keys = queryset.order_by().values("pk").query
        self.most = most

    def as_sql(self, compiler, connection):
        try:
            sql, params = self.keys.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:
            return "0", ()
        sql, params = capped_count_sql(sql, params, limit=self.most)
        return f"({sql})", params


# A count's cap in compiled SQL (see CappedCount), bound per request: the cap
# grows with the page's offset.
COUNT_MOST = Slot("count_most")
# A page's LIMIT and OFFSET in compiled SQL (see PageKeys).
PAGE_LIMIT = Slot("limit")
PAGE_OFFSET = Slot("offset")


class PageKeys(Expression):
    """The primary keys of one LIMIT/OFFSET page of ``queryset``, in its order, as
    a subquery for ``pk__in``: ``page_by_keys`` with the page as parameters.

    The outer query then reads (and computes its columns and subqueries for) only
    the page's rows; a plain OFFSET computes them for every skipped row too, which
    on PostgreSQL cost more than the page. The SQL holds the slots ``limit`` and
    ``offset`` (``PAGE_LIMIT``, ``PAGE_OFFSET``): ``with_page`` or ``bind`` puts
    the page in, so one compiled SQL serves every page.
    """

    output_field = IntegerField()

    def __init__(self, queryset: QuerySet):
        super().__init__()
        self.keys = queryset.values("pk").query

    def as_sql(self, compiler, connection):
        sql, params = self.keys.get_compiler(connection=connection).as_sql()
        return f"{sql} LIMIT %s OFFSET %s", (*params, PAGE_LIMIT, PAGE_OFFSET)


def with_page(sql: str, params, *, limit: int, offset: int) -> tuple[str, tuple]:
    """Compiled SQL with a ``PageKeys`` subquery, its page's parameters filled in."""
    return bind(sql, params, limit=limit, offset=offset)


def update_returning(
    queryset: QuerySet, *, returning: tuple[str, ...] = ("pk",), **values
) -> list[tuple]:
    """``queryset.update(**values)`` in one statement that also answers the given
    columns of the rows it changed (``UPDATE … RETURNING``, PostgreSQL and SQLite ≥
    3.35): a claim that tells each claimer exactly which rows it won, with no second
    read that another claimer could have changed meanwhile."""
    from django.db.models.sql.subqueries import UpdateQuery

    model = queryset.model
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    query.annotations = {}
    query.clear_ordering(force=True)
    connection = connections[queryset.db]
    sql, params = query.get_compiler(queryset.db).as_sql()
    if not sql:
        return []
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column)
        if name != "pk"
        else connection.ops.quote_name(model._meta.pk.column)
        for name in returning
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {columns}", params)
        return cursor.fetchall()


def update_rows(
    model, *, fields: list[str], rows: list[tuple], match: tuple[str, ...] = ("pk",)
) -> int:
    """``UPDATE … SET <fields> WHERE <match>`` once per row, one statement prepared
    once (``executemany``): many rows, each with its own values, without the CASE
    per field and row that ``bulk_update`` compiles. A row is the values of
    ``fields`` then those of ``match``; answers how many rows were changed."""
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    set_fields = [meta.get_field(name) for name in fields]
    match_fields = [meta.pk if name == "pk" else meta.get_field(name) for name in match]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {}".format(  # noqa: S608 (names from the model)
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in set_fields),
        " AND ".join(f"{quote(field.column)} = %s" for field in match_fields),
    )
    columns = set_fields + match_fields
    params = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(columns, row, strict=True)
        ]
        for row in rows
    ]
    if not params:
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        return cursor.rowcount
