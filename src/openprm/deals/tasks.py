"""Background work of deals: the review SLA and protection expiry sweeps."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.deals import services
from openprm.deals.pipeline import services as pipeline_services


@sweeps.register(every=timedelta(minutes=5))
@task()
def deal_review_sla() -> None:
    """Remind reviewers of overdue registrations; escalate those still undecided."""
    services.deals_review_sla()


@sweeps.register(every=timedelta(minutes=5))
@task()
def deal_protection_expiry() -> None:
    """Expire approved registrations whose protection has lapsed."""
    services.deals_expire_due()


@sweeps.register(every=timedelta(hours=24), name="deals.pipeline_rebuild")
@task()
def pipeline_rebuild() -> None:
    """Recompute the pipeline's cells from the deals and report any drift."""
    pipeline_services.pipeline_rebuild()
