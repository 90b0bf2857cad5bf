"""Background work of the approval engine: the SLA sweep of every subject kind."""

from datetime import timedelta

from django_tasks import task

from openprm.approvals.services import requests_sweep
from openprm.core import sweeps


@sweeps.register(every=timedelta(minutes=15))
@task()
def approvals_sla_sweep() -> None:
    """Remind approvers before a step's SLA ends and escalate when it passes."""
    requests_sweep()
