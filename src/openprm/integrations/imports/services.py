"""Importing partners and prospects from a file: upload, preview, confirm, run.

The upload only checks the file's type, size and header and stores it; the preview
(every row checked, nothing written but the job's counts and issues) and the run
(rows written) happen in the worker, reading the stored file as a stream in batches
of ``writing.BATCH_SIZE`` rows, and saving their progress after each batch.
Per-row errors and possible duplicates are ``ImportIssue`` rows, inserted a batch at
a time, so neither the rows nor the errors are ever all in memory.

Both phases apply the same checks (``writing.py``), so the preview says what the
run will do; the run checks again, since partners may have changed in between. The
worker's tasks (``integrations.tasks``) call this module, which queues them: each
of the two uses the other's names only when called.

A job's keys and issues (a row or more per file row) are deleted
``DELETE_CHUNK`` rows at a time: SQLite keeps every row id a single ``DELETE``
removes in memory until it ends (about 24 bytes a row), so one statement for a
million-row file's keys held some 50 MB.
"""

from collections import Counter
from collections.abc import Iterator
from pathlib import PurePath

from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import tabular
from openprm.core.errors import InvalidTransition
from openprm.integrations import tasks
from openprm.integrations.imports import reading, writing
from openprm.integrations.models import (
    ImportIssue,
    ImportJob,
    ImportKey,
    ImportStatus,
    IssueKind,
)
from openprm.integrations.permissions import IMPORT

DELETE_CHUNK = 10_000


def import_upload(*, actor, file_name: str, upload) -> ImportJob:
    """Store an uploaded file (any binary file object) and queue its preview;
    raises ValidationFailed (field ``file``) for a file that cannot be imported."""
    IMPORT.ensure(actor)
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    suffix = reading.check_name(file_name, size)
    reading.RowReader(upload, suffix=suffix, size=size)  # the header, at once
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            file_name=PurePath(file_name).name[:255],
            file_size=size,
        )
        job.file.save(f"{job.public_id}{suffix}", File(upload), save=False)
        job.save(update_fields=["file"])
        transaction.on_commit(lambda: _enqueue("preview_import", job.pk))
    return job


def _enqueue(task_name: str, job_id: int) -> None:
    getattr(tasks, task_name).enqueue(job_id)


def _read(job: ImportJob) -> Iterator[tuple[reading.RowReader, list]]:
    suffix = PurePath(job.file.name).suffix.lower()
    with job.file.open("rb") as stored:
        reader = reading.RowReader(stored, suffix=suffix, size=job.file_size)
        for batch in tabular.batches(reader, writing.BATCH_SIZE):
            yield reader, batch


def _delete(rows: QuerySet) -> None:
    """Delete the rows by ranges of ``DELETE_CHUNK`` ids, so that the memory a
    ``DELETE`` takes does not grow with the file (see the module's docstring)."""
    bounds = rows.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    for start in range(bounds["low"], bounds["high"] + 1, DELETE_CHUNK):
        rows.filter(pk__gte=start, pk__lt=start + DELETE_CHUNK).delete()


def _finish_failed(job: ImportJob, message) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED,
        file_error=str(message)[:255],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    _delete(ImportKey.objects.filter(job=job))


def import_preview(*, job_id: int) -> ImportJob:
    """Check every row of an uploaded file, writing only the job's progress, counts
    and issues (the worker calls this)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.PREVIEWING:
        return job
    # A retried task starts again from the top.
    _delete(ImportIssue.objects.filter(job=job))
    _delete(ImportKey.objects.filter(job=job))
    ctx = writing.ImportContext(actor=job.created_by, job=job)
    counts: Counter = Counter()
    rows = 0
    try:
        for reader, batch in _read(job):
            with transaction.atomic():
                result = writing.preview_batch(ctx, batch)
                ImportIssue.objects.bulk_create(result.issues)
                counts.update(result.counts)
                rows += len(batch)
                ImportJob.objects.filter(pk=job.pk).update(
                    done=rows,
                    preview_percent=int(99 * reader.fraction),
                    **_preview_counts(counts),
                    updated_at=timezone.now(),
                )
    except reading.FileProblem as problem:
        _finish_failed(job, problem.text)
        job.refresh_from_db()
        return job
    except Exception:
        _finish_failed(job, _("The check stopped on an unexpected error."))
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.PREVIEWED,
        total=rows,
        done=0,
        preview_percent=100,
        **_preview_counts(counts),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def _preview_counts(counts: Counter) -> dict:
    return {
        "will_create": counts["create"],
        "will_update": counts["update"],
        "will_skip": counts["unchanged"],
        "will_fail": counts["error"],
    }


def import_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queue a previewed import for the worker; rows with errors will be skipped."""
    IMPORT.ensure(actor)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.QUEUED, updated_at=timezone.now()
    )
    if not updated:
        raise InvalidTransition(
            job.status,
            ImportStatus.QUEUED,
            message=_("This import is not waiting to be confirmed."),
        )
    job.refresh_from_db()
    transaction.on_commit(lambda: _enqueue("run_import", job.pk))
    return job


def _enqueue_events(event_ids: list[int]) -> None:
    if event_ids:
        ranges = tasks.id_ranges(event_ids)
        transaction.on_commit(lambda: tasks.deliver_import_events.enqueue(ranges))


def import_run(*, job_id: int) -> ImportJob:
    """Write a queued import's rows a batch at a time, saving progress after each
    batch (the worker calls this)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job
    actor = job.created_by
    if not IMPORT.allows(actor):
        _finish_failed(job, _("The person who started this import may not import."))
        job.refresh_from_db()
        return job
    # The run's errors replace the preview's (partners may have changed since).
    _delete(ImportIssue.objects.filter(job=job, kind=IssueKind.ERROR))
    ctx = writing.ImportContext(actor=actor, job=job)
    counts: Counter = Counter()
    rows = 0
    try:
        for _reader, batch in _read(job):
            with transaction.atomic():
                result = writing.run_batch(ctx, batch)
                ImportIssue.objects.bulk_create(result.issues)
                _enqueue_events(result.event_ids)
                counts.update(result.counts)
                rows += len(batch)
                ImportJob.objects.filter(pk=job.pk).update(
                    done=rows, **_run_counts(counts), updated_at=timezone.now()
                )
    except reading.FileProblem as problem:
        _finish_failed(job, problem.text)
        job.refresh_from_db()
        return job
    except Exception:
        # A crash (not a bad row) must not leave the import "running" forever.
        _finish_failed(job, _("The import stopped on an unexpected error."))
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        done=rows,
        total=rows,
        **_run_counts(counts),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    _delete(ImportKey.objects.filter(job=job))
    _delete_file(job)
    job.refresh_from_db()
    return job


def _delete_file(job: ImportJob) -> None:
    """The uploaded file (people's names and emails) is not kept once imported."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _run_counts(counts: Counter) -> dict:
    return {
        "created": counts["create"],
        "updated": counts["update"],
        "unchanged": counts["unchanged"],
        "failed": counts["error"],
    }
