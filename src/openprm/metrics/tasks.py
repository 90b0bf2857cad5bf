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


@sweeps.register(every=timedelta(hours=24), name="metrics.evaluate_tiers")
@task()
def evaluate_tiers() -> None:
    """Evaluate every active enrolment, then apply approved recommendations whose
    grace period has ended."""
    from openprm.metrics import tiers

    services.rollups_month_started()
    tiers.tiers_evaluate()
    tiers.recommendations_apply_due()


@sweeps.register(every=timedelta(hours=24), name="metrics.compute_health")
@task()
def compute_health() -> None:
    """Score every enrolled partner's health and alert on falls."""
    from openprm.metrics import health

    services.rollups_month_started()
    health.health_compute()
