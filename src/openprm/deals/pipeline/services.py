"""Writes of the pipeline: the sweep that recomputes its cells and totals."""

import logging

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from openprm.deals.pipeline import rebuild, triggers

logger = logging.getLogger(__name__)


@transaction.atomic
def pipeline_rebuild() -> rebuild.Rebuilt:
    """Recompute the pipeline's cells and totals from the deals and report drift
    (a warning in the log); reinstall the triggers if a migration dropped them."""
    if triggers.missing(connection):
        logger.warning("Pipeline triggers were missing: reinstalled")
        triggers.drop(connection)
        triggers.install(connection)
    result = rebuild.rebuild(connection)
    if result.drifted:
        logger.warning(
            "Pipeline cells drifted: %s cells and %s regional totals recomputed",
            result.drifted_cells,
            result.drifted_totals,
        )
    return result


def restore_pipeline_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """After every ``migrate`` (a ``core.triggers`` keeper): a later migration
    that rebuilt the deals' or the partners' table on SQLite (how it alters a
    column) dropped the triggers with it; put them back and recompute at once,
    rather than count nothing until the nightly sweep."""
    database = connections[using]
    if "deals_pipelinecell" not in database.introspection.table_names():
        return
    if triggers.missing(database):
        pipeline_rebuild()
