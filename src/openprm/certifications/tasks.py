"""Certification sweeps: remind holders before expiry, expire what ran out (and
re-evaluate the accreditations that counted it)."""

from datetime import timedelta

from django_tasks import task

from openprm.certifications import services
from openprm.core import sweeps


@sweeps.register(every=timedelta(hours=1), name="certifications.expiry")
@task()
def certifications_expiry() -> dict:
    return {
        "reminded": services.certifications_remind(),
        "expired": services.certifications_expire(),
    }


@sweeps.register(every=timedelta(hours=24), name="certifications.accreditations")
@task()
def accreditations_recompute() -> dict:
    """Every partner against every accreditation once a day (a changed rule or a
    missed event cannot leave a stale accreditation for long)."""
    return services.accreditations_evaluate()
