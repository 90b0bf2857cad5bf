"""The database triggers that keep the pipeline's cells (``PipelineCell``, per
partner) and totals (``PipelineTotal``, per region) as deals change.

Triggers rather than calls in each service: they run inside the writer's own
statement and transaction on every path that changes a deal (the services, the
CRM's outcomes, imports, a partner's deletion cascading to its deals, bulk loads,
an operator's SQL), so no writer can forget them. A deal counts while its status is
live (submitted, waiting for information, approved), in its stage, close month and
currency; an update that moves it takes it out of its old cell and puts it in the
new one. A partner's new region moves its cells between regional totals.
``pipeline.services.pipeline_rebuild`` recomputes both tables from the deals.

Installed by migration ``deals.0004``; SQLite and PostgreSQL have each their own
dialect, the same rules.
"""

from openprm.core.triggers import missing_triggers

LIVE_SQL = "('submitted', 'more_info_requested', 'approved')"
KEY = "(stage_id, month, currency)"
ADD = (
    "deal_count = {table}.deal_count + excluded.deal_count, "
    "amount_minor = {table}.amount_minor + excluded.amount_minor"
)
CELL_CONFLICT = (
    "ON CONFLICT (partner_id, stage_id, month, currency) DO UPDATE SET "
    + ADD.format(table="deals_pipelinecell")
)
TOTAL_CONFLICT = (
    "ON CONFLICT (region, stage_id, month, currency) DO UPDATE SET "
    + ADD.format(table="deals_pipelinetotal")
)
WATCHED = (
    "status",
    "stage_id",
    "total_amount",
    "expected_close_date",
    "currency",
    "partner_id",
)


def _sqlite_apply(row: str, sign: str) -> str:
    """Add (``sign`` "1") or take away ("-1") the deal ``row`` (NEW or OLD)."""
    month = f"date({row}.expected_close_date, 'start of month')"
    amount = f"{sign} * CAST(ROUND({row}.total_amount * 100) AS INTEGER)"
    live = f"{row}.status IN {LIVE_SQL}"
    return (
        "INSERT INTO deals_pipelinecell "  # noqa: S608
        "(partner_id, stage_id, month, currency, deal_count, amount_minor) "
        f"SELECT {row}.partner_id, {row}.stage_id, {month}, {row}.currency, "
        f"{sign}, {amount} WHERE {live} {CELL_CONFLICT};\n"
        "INSERT INTO deals_pipelinetotal "
        "(region, stage_id, month, currency, deal_count, amount_minor) "
        f"SELECT p.region, {row}.stage_id, {month}, {row}.currency, {sign}, "
        f"{amount} FROM partners_partner p "
        f"WHERE p.id = {row}.partner_id AND {live} {TOTAL_CONFLICT};\n"
    )


def _sqlite_move(region: str, sign: str) -> str:
    return (
        "INSERT INTO deals_pipelinetotal "  # noqa: S608
        "(region, stage_id, month, currency, deal_count, amount_minor) "
        f"SELECT {region}, stage_id, month, currency, {sign} * deal_count, "
        f"{sign} * amount_minor FROM deals_pipelinecell "
        f"WHERE partner_id = NEW.id {TOTAL_CONFLICT};\n"
    )


def sqlite_install() -> list[str]:
    changed = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in WATCHED)
    return [
        "CREATE TRIGGER deals_pipeline_insert AFTER INSERT ON deals_deal BEGIN\n"
        + _sqlite_apply("NEW", "1")
        + "END",
        "CREATE TRIGGER deals_pipeline_delete AFTER DELETE ON deals_deal BEGIN\n"
        + _sqlite_apply("OLD", "-1")
        + "END",
        "CREATE TRIGGER deals_pipeline_update AFTER UPDATE ON deals_deal "
        f"WHEN {changed} BEGIN\n"
        + _sqlite_apply("OLD", "-1")
        + _sqlite_apply("NEW", "1")
        + "END",
        "CREATE TRIGGER deals_pipeline_region AFTER UPDATE OF region ON "
        "partners_partner WHEN OLD.region IS NOT NEW.region BEGIN\n"
        + _sqlite_move("OLD.region", "-1")
        + _sqlite_move("NEW.region", "1")
        + "END",
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS deals_pipeline_insert",
    "DROP TRIGGER IF EXISTS deals_pipeline_delete",
    "DROP TRIGGER IF EXISTS deals_pipeline_update",
    "DROP TRIGGER IF EXISTS deals_pipeline_region",
]


def postgresql_install() -> list[str]:
    changed = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in WATCHED)
    return [
        f"""
CREATE OR REPLACE FUNCTION deals_pipeline_apply(
    p_partner bigint, p_stage bigint, p_close date, p_currency varchar,
    p_amount numeric, p_sign integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_month date := date_trunc('month', p_close)::date;
    v_minor bigint := p_sign * round(p_amount * 100)::bigint;
BEGIN
    INSERT INTO deals_pipelinecell
        (partner_id, stage_id, month, currency, deal_count, amount_minor)
    VALUES (p_partner, p_stage, v_month, p_currency, p_sign, v_minor)
    {CELL_CONFLICT};
    INSERT INTO deals_pipelinetotal
        (region, stage_id, month, currency, deal_count, amount_minor)
    SELECT p.region, p_stage, v_month, p_currency, p_sign, v_minor
    FROM partners_partner p WHERE p.id = p_partner
    {TOTAL_CONFLICT};
END $$""",  # noqa: S608
        f"""
CREATE OR REPLACE FUNCTION deals_pipeline_deal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status IN {LIVE_SQL} THEN
        PERFORM deals_pipeline_apply(OLD.partner_id, OLD.stage_id,
            OLD.expected_close_date, OLD.currency, OLD.total_amount, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status IN {LIVE_SQL} THEN
        PERFORM deals_pipeline_apply(NEW.partner_id, NEW.stage_id,
            NEW.expected_close_date, NEW.currency, NEW.total_amount, 1);
    END IF;
    RETURN NULL;
END $$""",
        f"""
CREATE OR REPLACE FUNCTION deals_pipeline_region() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deals_pipelinetotal
        (region, stage_id, month, currency, deal_count, amount_minor)
    SELECT r.region, c.stage_id, c.month, c.currency,
        r.sign * c.deal_count, r.sign * c.amount_minor
    FROM deals_pipelinecell c
    CROSS JOIN (VALUES (OLD.region, -1), (NEW.region, 1)) AS r(region, sign)
    WHERE c.partner_id = NEW.id
    {TOTAL_CONFLICT};
    RETURN NULL;
END $$""",  # noqa: S608
        "CREATE TRIGGER deals_pipeline_write AFTER INSERT OR DELETE ON deals_deal "
        "FOR EACH ROW EXECUTE FUNCTION deals_pipeline_deal()",
        "CREATE TRIGGER deals_pipeline_update AFTER UPDATE ON deals_deal "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION deals_pipeline_deal()",
        "CREATE TRIGGER deals_pipeline_region AFTER UPDATE OF region ON "
        "partners_partner FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM "
        "NEW.region) EXECUTE FUNCTION deals_pipeline_region()",
    ]


POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS deals_pipeline_write ON deals_deal",
    "DROP TRIGGER IF EXISTS deals_pipeline_update ON deals_deal",
    "DROP TRIGGER IF EXISTS deals_pipeline_region ON partners_partner",
    "DROP FUNCTION IF EXISTS deals_pipeline_deal()",
    "DROP FUNCTION IF EXISTS deals_pipeline_region()",
    "DROP FUNCTION IF EXISTS deals_pipeline_apply("
    "bigint, bigint, date, varchar, numeric, integer)",
]


def install(connection) -> None:
    statements = (
        postgresql_install() if connection.vendor == "postgresql" else sqlite_install()
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop(connection) -> None:
    statements = POSTGRESQL_DROP if connection.vendor == "postgresql" else SQLITE_DROP
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


NAMES = ("deals_pipeline_update", "deals_pipeline_region")


def missing(connection) -> bool:
    """Whether a trigger is gone: SQLite drops a table's triggers when a migration
    rebuilds the table (how it alters columns), so the sweep checks."""
    return bool(missing_triggers(connection, NAMES))
