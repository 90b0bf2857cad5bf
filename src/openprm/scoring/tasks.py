"""Background work of scorecards: the bulk recompute."""

from django_tasks import task

from openprm.scoring import services
from openprm.scoring.models import ScoreRun


@task()
def recompute_all_scores(run_id: int) -> None:
    """Recompute every partner's scores for one ScoreRun."""
    run = ScoreRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is not None:
        services.score_run_execute(run=run)
