"""Background work of funds: the claim-deadline and period-end sweeps."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.funds import services


@sweeps.register(every=timedelta(hours=1))
@task()
def fund_claim_deadlines() -> None:
    """Release what approved requests left unclaimed past their claim deadline."""
    services.requests_release_overdue()


@sweeps.register(every=timedelta(hours=1))
@task()
def fund_period_end() -> None:
    """Expire (or carry over) unused allocations of periods that ended."""
    services.budgets_close_ended()
