"""Journey sweeps: flag tasks past their due date."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.journeys import services


@sweeps.register(every=timedelta(minutes=30))
@task()
def journeys_flag_overdue() -> int:
    return services.journeys_flag_overdue()
