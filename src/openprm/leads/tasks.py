"""Background work of leads: the acceptance-SLA sweep and batch routing."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.leads import services


@sweeps.register(every=timedelta(minutes=5), name="leads.recall_overdue_leads")
@task()
def recall_overdue_leads() -> int:
    """Recall offers whose acceptance SLA passed and route them on."""
    return services.recall_overdue_leads()
