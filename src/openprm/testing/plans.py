"""The query plan of a list page's key query, for tests that an index serves a
list's order (a test database is tiny: the planner is told to prefer an index)."""

from django.db import connection
from django.db.models import QuerySet


def page_keys_plan(
    queryset: QuerySet, *, per_page: int = 50, analyze: bool = False
) -> str:
    """The plan of the first page's keys of ``queryset`` (what
    ``core.pagination.capped_page`` reads first), as text.

    On PostgreSQL, sequential scans, bitmap scans and sorts are switched off for
    the transaction, so the plan shows whether an index *can* serve the order:
    an empty table costs nothing to sort, and the planner would otherwise choose
    to. On SQLite, ``EXPLAIN QUERY PLAN``; with ``analyze`` after ``ANALYZE``:
    without statistics SQLite prefers an index with an equality on its first
    column over a partial index that serves the order (the benchmark's data set
    is analysed, as a deployment's should be).
    """
    sql, params = queryset.values("pk")[:per_page].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for setting in ("seqscan", "bitmapscan", "sort"):
                cursor.execute(f"SET LOCAL enable_{setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            if analyze:
                cursor.execute("ANALYZE")
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def assert_served_by(plan: str, *indexes: str) -> None:
    """The plan reads one of ``indexes`` and sorts nothing. (On SQLite every
    index ends with the rowid, the ``id``: an index of ``created_at`` alone
    serves ``-created_at, -id`` too.)"""
    assert any(index in plan for index in indexes), plan
    assert "TEMP B-TREE" not in plan, plan
    assert "Sort" not in plan, plan
