"""The nightly repair of the rollups."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.metrics import services


@sweeps.register(every=timedelta(hours=24), name="metrics.rebuild_rollups")
@task()
def rebuild_rollups() -> None:
    """Recompute this month and the last from the facts and report any drift."""
    services.rollups_rebuild()
