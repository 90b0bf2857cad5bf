"""Background work of scorecards: the bulk recompute."""

from django_tasks import task


@task()
def recompute_all_scores(run_id: int) -> None:
    """Recompute every partner's scores for one ScoreRun."""
    from openprm.scoring.models import ScoreRun
    from openprm.scoring.services import score_run_execute

    run = ScoreRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is not None:
        score_run_execute(run=run)
