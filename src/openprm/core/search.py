# ruff: noqa: S608 (every name in the SQL is a declared table or column, never input)
"""Text search served by an index on both databases.

A model declares its searchable text as a ``SearchIndex`` (its table and text
columns); a migration creates the index (``CreateSearchIndex``); a selector narrows
its queryset with ``search_q(term, index, ...)``.

Semantics, the same on both databases: a row matches when one of its columns holds
the term as a substring (after stripping it), case-insensitively, unicode
included (``É`` finds ``é``); no character of the term is special (quotes, ``*``,
``%``, ``_``, ``\\``, ``NEAR``, ``:`` are plain text). Accents are not folded
(``e`` does not find ``é``), nor are ``ß`` and ``ss``.

- **SQLite**: an FTS5 table ``<table>_search`` with the trigram tokenizer, whose
  content is the table itself (external content), kept by three triggers. A term
  of three characters or more is one quoted phrase: the index answers it. A term
  of one or two characters has no trigram; it is looked up with ``LIKE`` (a scan,
  case-insensitive for ASCII only, as before the index).
- **PostgreSQL**: a GIN trigram index (``pg_trgm``) on each column, which serves
  ``ILIKE '%term%'``; a term shorter than three characters is answered by a scan.

``search_q`` answers ``pk IN (the matching keys)``: it narrows whatever queryset
it filters, never widens it, and leaves its order alone.

A migration that rebuilds the table on SQLite (how Django alters a column) drops
its triggers: ``restore_search_triggers`` runs after every ``migrate`` (a
``core.triggers`` keeper), puts them
back and rebuilds the index. Renaming or dropping a searched column needs a new
search index (``DropSearchIndex`` then ``CreateSearchIndex``).
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Expression, F, Q

from openprm.core import triggers as core_triggers

# Shorter terms have no trigram: the index cannot answer them.
TRIGRAM = 3
# Every declared index, for ``restore_search_triggers``.
_INDEXES: dict[str, "SearchIndex"] = {}


@dataclass(frozen=True)
class SearchIndex:
    """A table's searchable text columns. A match answers ``key``: the row's own
    id, or the id of the row it belongs to (a partner's domain answers its
    ``partner_id``)."""

    table: str
    columns: tuple[str, ...]
    key: str = "id"

    @property
    def name(self) -> str:
        return f"{self.table}_search"


def declare(table: str, columns: tuple[str, ...], *, key: str = "id") -> SearchIndex:
    """A model's searchable text, as its app declares it (the migration that
    creates the index names the same table and columns)."""
    index = SearchIndex(table, tuple(columns), key)
    _INDEXES[table] = index
    return index


def search_q(term: str, *indexes: SearchIndex, field: str = "pk") -> Q:
    """Rows whose ``field`` is a key that one of ``indexes`` matches ``term`` to
    (stripped); no condition for an empty term."""
    term = term.strip()
    if not term:
        return Q()
    return Q(SearchMatch(field, term, indexes))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    """The term as one FTS5 phrase: in double quotes, nothing in it is syntax."""
    return '"' + term.replace('"', '""') + '"'


class SearchMatch(Expression):
    """Whether ``field`` is among the keys of the rows ``indexes`` match ``term``
    to (see the module's docstring)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field, term: str, indexes: tuple[SearchIndex, ...]):
        super().__init__()
        self.lhs = F(field) if isinstance(field, str) else field
        self.term = term
        self.indexes = tuple(indexes)

    def get_source_expressions(self):
        return [self.lhs]

    def set_source_expressions(self, expressions):
        (self.lhs,) = expressions

    def as_sql(self, compiler, connection):
        raise NotSupportedError("Search is implemented for SQLite and PostgreSQL only")

    def _in(self, compiler, selects: list[str], params: list):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        return (
            f"{lhs_sql} IN ({' UNION ALL '.join(selects)})",
            (*lhs_params, *params),
        )

    def as_sqlite(self, compiler, connection):
        selects, params = [], []
        short = len(self.term) < TRIGRAM
        for index in self.indexes:
            table, key = _quote(index.table), _quote(index.key)
            if short:
                # Names from the index's declaration, never input.
                where = " OR ".join(
                    f"{_quote(column)} LIKE %s ESCAPE '\\'" for column in index.columns
                )
                selects.append(f"SELECT {key} FROM {table} WHERE {where}")
                params += [_like_pattern(self.term)] * len(index.columns)
                continue
            fts = _quote(index.name)
            matched = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
            if index.key != "id":
                matched = f"SELECT {key} FROM {table} WHERE id IN ({matched})"
            selects.append(matched)
            params.append(_fts_phrase(self.term))
        return self._in(compiler, selects, params)

    def as_postgresql(self, compiler, connection):
        selects, params = [], []
        for index in self.indexes:
            # Names from the index's declaration, never input.
            where = " OR ".join(
                f"{_quote(column)} ILIKE %s" for column in index.columns
            )
            selects.append(
                f"SELECT {_quote(index.key)} FROM {_quote(index.table)} WHERE {where}"
            )
            params += [_like_pattern(self.term)] * len(index.columns)
        return self._in(compiler, selects, params)


# --- the index's DDL ------------------------------------------------------------------


def _sqlite_triggers(index: SearchIndex) -> list[str]:
    fts, table = _quote(index.name), _quote(index.table)
    names = ", ".join(_quote(column) for column in index.columns)

    def values(row: str) -> str:
        return ", ".join(f"{row}.{_quote(column)}" for column in index.columns)

    insert = f"INSERT INTO {fts} (rowid, {names}) VALUES (NEW.id, {values('NEW')});"
    delete = (
        f"INSERT INTO {fts} ({fts}, rowid, {names}) "
        f"VALUES ('delete', OLD.id, {values('OLD')});"
    )
    return [
        f"CREATE TRIGGER {_quote(index.name + '_insert')} AFTER INSERT ON {table} "
        f"BEGIN {insert} END",
        f"CREATE TRIGGER {_quote(index.name + '_delete')} AFTER DELETE ON {table} "
        f"BEGIN {delete} END",
        f"CREATE TRIGGER {_quote(index.name + '_update')} AFTER UPDATE OF {names} "
        f"ON {table} BEGIN {delete} {insert} END",
    ]


def _trigger_names(index: SearchIndex) -> set[str]:
    return {f"{index.name}_{kind}" for kind in ("insert", "delete", "update")}


def create_sql(index: SearchIndex, vendor: str) -> list[str]:
    """The statements that create ``index`` and fill it from the table's rows."""
    if vendor == "sqlite":
        fts = _quote(index.name)
        columns = ", ".join(_quote(column) for column in index.columns)
        return [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, "
            f"content='{index.table}', content_rowid='id', tokenize='trigram')",
            f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",
            *_sqlite_triggers(index),
        ]
    if vendor == "postgresql":
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
            f"CREATE INDEX IF NOT EXISTS {_quote(f'{index.name}_{column}')} "
            f"ON {_quote(index.table)} USING gin ({_quote(column)} gin_trgm_ops)"
            for column in index.columns
        ]
    raise NotSupportedError("Search is implemented for SQLite and PostgreSQL only")


def drop_sql(index: SearchIndex, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            *(f"DROP TRIGGER IF EXISTS {_quote(n)}" for n in _trigger_names(index)),
            f"DROP TABLE IF EXISTS {_quote(index.name)}",
        ]
    if vendor == "postgresql":
        return [
            f"DROP INDEX IF EXISTS {_quote(f'{index.name}_{column}')}"
            for column in index.columns
        ]
    raise NotSupportedError("Search is implemented for SQLite and PostgreSQL only")


class CreateSearchIndex(Operation):
    """A migration operation: the search index of ``table``'s ``columns`` (an
    FTS5 table and its triggers on SQLite, trigram indexes on PostgreSQL)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, columns: list[str] | tuple[str, ...]):
        self.table = table
        self.columns = tuple(columns)

    def deconstruct(self):
        kwargs = {"table": self.table, "columns": self.columns}
        return self.__class__.__name__, [], kwargs

    @property
    def index(self) -> SearchIndex:
        return SearchIndex(self.table, self.columns)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for sql in create_sql(self.index, schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for sql in drop_sql(self.index, schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    def describe(self):
        return f"Create the search index of {self.table} ({', '.join(self.columns)})"

    @property
    def migration_name_fragment(self):
        return f"{self.table}_search"


class DropSearchIndex(CreateSearchIndex):
    """A migration operation: drop the search index ``CreateSearchIndex`` made."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Drop the search index of {self.table}"

    @property
    def migration_name_fragment(self):
        return f"drop_{self.table}_search"


def missing_triggers(index: SearchIndex, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the index's table exists on SQLite without all of its triggers."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    if index.name not in connection.introspection.table_names():
        return False
    return bool(core_triggers.missing_triggers(connection, _trigger_names(index)))


def restore_search_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """After every ``migrate`` (a ``core.triggers`` keeper): a later migration
    that rebuilt a searched table on SQLite dropped its triggers with it; put
    them back and rebuild its index."""
    connection = connections[using]
    for index in _INDEXES.values():
        if not missing_triggers(index, using=using):
            continue
        with connection.cursor() as cursor:
            for name in _trigger_names(index):
                cursor.execute(f"DROP TRIGGER IF EXISTS {_quote(name)}")
            fts = _quote(index.name)
            cursor.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
            for sql in _sqlite_triggers(index):
                cursor.execute(sql)
