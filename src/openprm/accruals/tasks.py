"""Background work of accruals: rebates calculate themselves."""

from datetime import timedelta

from django_tasks import task

from openprm.accruals import rebates
from openprm.core import sweeps


@sweeps.register(every=timedelta(hours=6), name="accruals.rebates")
@task()
def rebates_sweep() -> None:
    """Accrue each active rebate programme's current period; true up the
    periods that have ended, once."""
    rebates.rebates_run()
