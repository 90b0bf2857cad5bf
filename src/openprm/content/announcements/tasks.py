"""Announcement sweeps: announce scheduled announcements when they go live, and
remind readers who have not acknowledged a required one."""

from datetime import timedelta

from django_tasks import task

from openprm.content.announcements import services
from openprm.core import sweeps


@sweeps.register(every=timedelta(minutes=5), name="content.announcements_announce")
@task()
def announcements_announce() -> int:
    return services.announcements_announce_due()


@sweeps.register(every=timedelta(hours=1), name="content.announcements_remind")
@task()
def announcements_remind() -> int:
    return services.announcements_remind()
