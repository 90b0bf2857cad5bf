"""Database triggers the product keeps, put back after every ``migrate``.

Some tables are kept by triggers (the pipeline's cells, the search indexes). SQLite
alters a column by rebuilding the table, and that drops the table's triggers
without a word. Each app that keeps triggers registers a keeper here (in its
``hooks.py``); one ``post_migrate`` handler (``core.apps``) runs every keeper, which
checks its own triggers and, when one is gone, reinstalls them and recomputes what
they maintain, rather than count nothing until a nightly sweep.
"""

from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS

# A keeper takes the database alias that was migrated.
Keeper = Callable[[str], None]

_KEEPERS: dict[str, Keeper] = {}


def keep_triggers(name: str, keeper: Keeper) -> None:
    """Register ``keeper`` to run after every ``migrate`` (once per name)."""
    _KEEPERS[name] = keeper


def missing_triggers(connection, names: Iterable[str]) -> set[str]:
    """The names among ``names`` that have no trigger in the database."""
    wanted = list(names)
    if not wanted:
        return set()
    marks = ", ".join(["%s"] * len(wanted))
    if connection.vendor == "postgresql":
        query = f"SELECT tgname FROM pg_trigger WHERE tgname IN ({marks})"  # noqa: S608
    else:
        query = (
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "  # noqa: S608
            f"AND name IN ({marks})"
        )
    with connection.cursor() as cursor:
        cursor.execute(query, wanted)
        present = {row[0] for row in cursor.fetchall()}
    return set(wanted) - present


def restore_kept_triggers(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """The ``post_migrate`` handler: every registered keeper, in registration order."""
    for keeper in _KEEPERS.values():
        keeper(using)
