"""Agreement sweeps: remind partners to accept a new version before its deadline."""

from datetime import timedelta

from django_tasks import task

from openprm.agreements import services
from openprm.core import sweeps


@sweeps.register(every=timedelta(hours=1))
@task()
def agreements_remind() -> int:
    return services.agreements_remind()
