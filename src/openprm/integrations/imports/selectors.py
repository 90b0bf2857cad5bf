"""Reads of partner imports."""

from django.db.models import QuerySet

from openprm.accounts.models import User
from openprm.core.errors import NotFound
from openprm.integrations.models import ImportIssue, ImportJob
from openprm.integrations.permissions import FOLLOW_ALL_IMPORTS, IMPORT


def import_jobs_visible_to(*, user: User) -> QuerySet[ImportJob]:
    """Imports a user may follow: vendor admins all, other importers (channel
    managers) their own, anyone else none."""
    if not IMPORT.allows(user):
        return ImportJob.objects.none()
    jobs = ImportJob.objects.all()
    if not FOLLOW_ALL_IMPORTS.allows(user):
        jobs = jobs.filter(created_by=user)
    return jobs


def import_job_get(*, user: User, public_id) -> ImportJob:
    job = import_jobs_visible_to(user=user).filter(public_id=public_id).first()
    if job is None:
        raise NotFound
    return job


def import_issue_list(*, job: ImportJob, kind: str) -> QuerySet:
    """An import's issues of one kind, by row number, as ``{row, field, message}``."""
    return (
        ImportIssue.objects.filter(job=job, kind=kind)
        .order_by("row", "id")
        .values("row", "field", "message")
    )


def import_issues(*, job: ImportJob, kind: str, limit: int) -> list:
    return list(import_issue_list(job=job, kind=kind)[:limit])


def import_issue_count(*, job: ImportJob, kind: str) -> int:
    return ImportIssue.objects.filter(job=job, kind=kind).count()
