"""The sweep that sends scheduled reports."""

from datetime import timedelta

from django_tasks import task

from openprm.core import sweeps
from openprm.reports import services


@sweeps.register(every=timedelta(minutes=15), name="reports.send_scheduled")
@task()
def send_scheduled_reports() -> None:
    """Email every scheduled report whose sending time has come."""
    services.scheduled_reports_send_due()
