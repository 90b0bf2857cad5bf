"""Recomputing the pipeline's cells and totals from the deals, in set-based SQL.

The triggers (``triggers.py``) keep both tables as deals change; this recomputes
them with one GROUP BY over the live deals, counts the keys whose stored figures
differ from the recomputed ones (drift: the triggers were missing or off while
deals changed, or a bug), and replaces the tables only when something drifted. Rows
that fell to zero are removed. Plain SQL without models, so that the migration that
installs the triggers runs the first build with it.
"""

from dataclasses import dataclass

from openprm.deals.pipeline.triggers import LIVE_SQL

CELL_KEY = "partner_id, stage_id, month, currency"
TOTAL_KEY = "region, stage_id, month, currency"
FIGURES = "deal_count, amount_minor"
STORED = "WHERE deal_count <> 0 OR amount_minor <> 0"


@dataclass(frozen=True)
class Rebuilt:
    cells: int  # non-empty cells after the rebuild
    totals: int
    drifted_cells: int  # keys whose stored figures differed
    drifted_totals: int

    @property
    def drifted(self) -> bool:
        return bool(self.drifted_cells or self.drifted_totals)


def _cells_sql(vendor: str) -> str:
    if vendor == "postgresql":
        month = "date_trunc('month', expected_close_date)::date"
        minor = "round(total_amount * 100)::bigint"
    else:
        month = "date(expected_close_date, 'start of month')"
        minor = "CAST(ROUND(total_amount * 100) AS INTEGER)"
    return (
        f"SELECT partner_id, stage_id, {month} AS month, currency, "  # noqa: S608
        f"COUNT(*) AS deal_count, SUM({minor}) AS amount_minor "
        f"FROM deals_deal WHERE status IN {LIVE_SQL} "
        "GROUP BY partner_id, stage_id, 3, currency"
    )


def _totals_sql(vendor: str) -> str:
    return (
        "SELECT p.region, c.stage_id, c.month, c.currency, "  # noqa: S608
        "SUM(c.deal_count) AS deal_count, SUM(c.amount_minor) AS amount_minor "
        f"FROM ({_cells_sql(vendor)}) c "
        "JOIN partners_partner p ON p.id = c.partner_id "
        "GROUP BY p.region, c.stage_id, c.month, c.currency"
    )


def _drift(cursor, table: str, key: str, recomputed: str) -> int:
    stored = f"SELECT {key}, {FIGURES} FROM {table} {STORED}"  # noqa: S608
    cursor.execute(
        f"SELECT COUNT(*) FROM (SELECT {key} FROM "  # noqa: S608
        f"({recomputed} EXCEPT {stored}) a UNION "
        f"SELECT {key} FROM ({stored} EXCEPT {recomputed}) b) d"
    )
    return cursor.fetchone()[0]


def _replace(cursor, table: str, key: str, recomputed: str) -> None:
    cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {table} ({key}, {FIGURES}) "  # noqa: S608
        f"SELECT {key}, {FIGURES} FROM ({recomputed}) r"
    )


def rebuild(connection) -> Rebuilt:
    """Recompute both tables; call inside a transaction. On PostgreSQL the tables
    are locked first (writers of live deals wait for the rebuild, then add their
    change to it); on SQLite the first statement writes, which takes the database's
    write lock before the deals are read."""
    vendor = connection.vendor
    cells_sql, totals_sql = _cells_sql(vendor), _totals_sql(vendor)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "LOCK TABLE deals_pipelinecell, deals_pipelinetotal IN EXCLUSIVE MODE"
            )
        for table in ("deals_pipelinecell", "deals_pipelinetotal"):
            cursor.execute(
                f"DELETE FROM {table} "  # noqa: S608
                "WHERE deal_count = 0 AND amount_minor = 0"
            )
        drifted_cells = _drift(cursor, "deals_pipelinecell", CELL_KEY, cells_sql)
        drifted_totals = _drift(cursor, "deals_pipelinetotal", TOTAL_KEY, totals_sql)
        if drifted_cells:
            _replace(cursor, "deals_pipelinecell", CELL_KEY, cells_sql)
        if drifted_totals:
            _replace(cursor, "deals_pipelinetotal", TOTAL_KEY, totals_sql)
        counts = []
        for table in ("deals_pipelinecell", "deals_pipelinetotal"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            counts.append(cursor.fetchone()[0])
    return Rebuilt(
        cells=counts[0],
        totals=counts[1],
        drifted_cells=drifted_cells,
        drifted_totals=drifted_totals,
    )
