"""Background work of onboarding: the SLA sweep of applications."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.onboarding.services import applications_sweep


@sweeps.register(every=timedelta(minutes=15))
@task()
def applications_sla_sweep() -> None:
    """Remind approvers before a step's SLA ends and escalate when it passes."""
    applications_sweep()
