"""Learning sweeps: enrol every member their audiences hold in automatic paths
(a change of a partner's tier or of an audience's rule shows here)."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.learning import services


@sweeps.register(every=timedelta(hours=1))
@task()
def learning_auto_enrol() -> int:
    return services.auto_enrol_sweep()
