"""Importing partners and prospects from a file: upload and preview, confirm, run.

Every row goes through the partner services (``partner_add`` for a new partner,
``partner_update`` for one matched by external id or domain), so an import obeys
exactly the rules of the forms and the API, writes the same audit entries and emits
the same events — and none when a row changes nothing, so running the same file
again changes nothing. Each row is written in its own transaction: a bad row is
reported with its row number and field and leaves no partial partner.

The preview runs every row the same way inside a savepoint that is rolled back, so
what it reports is what the run will do.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ApplicationError, PermissionDenied
from openprm.core.models import AuditEntry
from openprm.integrations import importing
from openprm.integrations.models import ImportJob, ImportStatus
from openprm.partners import duplicates, permissions
from openprm.partners import services as partner_services
from openprm.partners.models import CustomFieldDefinition, Partner, PartnerDomain

PROGRESS_EVERY = 25
CONFLICT_MESSAGE = _("Another change to the same partner got there first.")
MAX_ERRORS = 1000


class _Rollback(Exception):
    """Undoes a preview row's writes, carrying what the row would have done."""

    def __init__(self, outcome: str):
        self.outcome = outcome


def ensure_can_import(actor) -> None:
    if not permissions.can_create_partners(actor):
        raise PermissionDenied(_("Only vendor admins and channel managers import."))


class _Matcher:
    """Finds the existing partner a row updates: by external id, then by domain."""

    def __init__(self, actor):
        self.partners = Partner.objects.visible_to(actor)

    def find(self, data: dict) -> Partner | None:
        external_id = (data.get("external_id") or "").strip()
        if external_id:
            partner = self.partners.filter(external_id=external_id).first()
            if partner is not None:
                return partner
        domains = [
            partner_services.normalise_domain(domain)
            for domain in data.get("domains", ())
        ]
        if domains:
            owner = (
                PartnerDomain.objects.filter(domain__in=domains)
                .values_list("partner_id", flat=True)
                .first()
            )
            if owner is not None:
                return self.partners.filter(pk=owner).first()
        return None


def _split_multi_choice(data: dict, multi_keys: set[str]) -> dict:
    custom = data.get("custom_fields")
    if custom:
        data["custom_fields"] = {
            key: importing._split(value)
            if key in multi_keys and isinstance(value, str)
            else value
            for key, value in custom.items()
        }
    return data


def _apply_row(*, actor, data: dict, matcher: _Matcher) -> str:
    """Write one row through the partner services: "created", "updated" or
    "unchanged"; raises ApplicationError for a row that breaks a rule."""
    partner = matcher.find(data)
    if partner is None:
        partner_services.partner_add(actor=actor, data=data)
        return "created"
    data = {key: value for key, value in data.items() if key != "status"}
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)
    before = last_entry.first() or 0
    partner_services.partner_update(partner=partner, actor=actor, data=data)
    changed = AuditEntry.objects.filter(pk__gt=before).exists()
    return "updated" if changed else "unchanged"


def _errors_of(error: ApplicationError, number: int) -> list[dict]:
    if error.field_errors:
        return [
            {"row": number, "field": field, "message": str(message)}
            for field, messages in error.field_errors.items()
            for message in messages
        ]
    return [{"row": number, "field": "", "message": str(error.message)}]


def _in_file_duplicates(rows: list[dict]) -> dict[int, dict]:
    """Rows that repeat an earlier row's external id or domain: one file cannot
    create the same partner twice."""
    seen: dict[tuple[str, str], int] = {}
    repeated: dict[int, dict] = {}
    for index, row in enumerate(rows):
        number = importing.row_number(index)
        keys = []
        if row.get("external_id", "").strip():
            keys.append(("external_id", row["external_id"].strip()))
        for domain in importing._split(row.get("domains", "")):
            keys.append(("domains", partner_services.normalise_domain(domain)))
        for key in keys:
            if key in seen:
                repeated[number] = {
                    "row": number,
                    "field": key[0],
                    "message": str(
                        _("Repeats row %(row)s of this file.") % {"row": seen[key]}
                    ),
                }
                break
            seen[key] = number
    return repeated


def _possible_duplicates(actor, rows: list[dict], preview: dict) -> list[dict]:
    """New rows whose name or website matches a partner already there (flagged,
    not refused: the person confirming decides)."""
    new_rows = [
        (importing.row_number(index), row)
        for index, row in enumerate(rows)
        if preview.get(str(importing.row_number(index))) == "create"
    ]
    if not new_rows:
        return []
    by_name: dict[str, str] = {}
    by_host: dict[str, str] = {}
    for name, website in Partner.objects.visible_to(actor).values_list(
        "name", "website"
    ):
        by_name.setdefault(duplicates.normalise_name(name), name)
        if host := duplicates.website_host(website):
            by_host.setdefault(host, name)
    flagged = []
    for number, row in new_rows:
        match = by_name.get(duplicates.normalise_name(row.get("name", ""))) or (
            by_host.get(duplicates.website_host(row.get("website", "")))
            if row.get("website")
            else None
        )
        if match:
            flagged.append({"row": number, "partner": match})
    return flagged


def import_upload(*, actor, file_name: str, content: bytes) -> ImportJob:
    """Read an uploaded file and preview every row; nothing is written but the job."""
    ensure_can_import(actor)
    rows = importing.read_rows(file_name=file_name, content=content)
    preview, errors = _preview(actor, rows)
    job = ImportJob.objects.create(
        created_by=actor,
        file_name=file_name[:255],
        rows=rows,
        total=len(rows),
        preview=preview,
        errors=errors[:MAX_ERRORS],
        duplicates=_possible_duplicates(actor, rows, preview),
    )
    return job


def _multi_choice_keys() -> set[str]:
    return set(
        CustomFieldDefinition.objects.filter(field_type="multi_choice").values_list(
            "key", flat=True
        )
    )


def _preview(actor, rows: list[dict]) -> tuple[dict, list[dict]]:
    matcher = _Matcher(actor)
    multi_keys = _multi_choice_keys()
    repeated = _in_file_duplicates(rows)
    preview: dict[str, str] = {}
    errors: list[dict] = []
    for index, row in enumerate(rows):
        number = importing.row_number(index)
        if not row:
            preview[str(number)] = "empty"
            continue
        if number in repeated:
            preview[str(number)] = "error"
            errors.append(repeated[number])
            continue
        data = _split_multi_choice(importing.row_data(row), multi_keys)
        try:
            with transaction.atomic():
                outcome = _apply_row(actor=actor, data=data, matcher=matcher)
                raise _Rollback(outcome)
        except _Rollback as rollback:
            preview[str(number)] = {
                "created": "create",
                "updated": "update",
                "unchanged": "unchanged",
            }[rollback.outcome]
        except ApplicationError as error:
            preview[str(number)] = "error"
            errors.extend(_errors_of(error, number))
    return preview, errors


def import_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queue a previewed import for the worker; rows with errors will be skipped."""
    ensure_can_import(actor)
    from openprm.core.errors import InvalidTransition
    from openprm.integrations.tasks import run_import

    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.QUEUED, updated_at=timezone.now()
    )
    if not updated:
        raise InvalidTransition(
            job.status,
            ImportStatus.QUEUED,
            message=_("This import has already been started."),
        )
    job.refresh_from_db()
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def _write_rows(job, actor, counts: dict, errors: list) -> None:
    """Write each row in its own transaction, tallying outcomes into ``counts``."""
    matcher = _Matcher(actor)
    multi_keys = _multi_choice_keys()
    repeated = _in_file_duplicates(job.rows)
    for index, row in enumerate(job.rows):
        number = importing.row_number(index)
        if not row:
            pass
        elif number in repeated:
            counts["failed"] += 1
            errors.append(repeated[number])
        else:
            data = _split_multi_choice(importing.row_data(row), multi_keys)
            try:
                outcome = _apply_row(actor=actor, data=data, matcher=matcher)
                counts[outcome] += 1
            except ApplicationError as error:
                counts["failed"] += 1
                errors.extend(_errors_of(error, number))
            except IntegrityError:
                # Another writer took the external id or a domain meanwhile.
                counts["failed"] += 1
                errors.append(
                    {"row": number, "field": "", "message": str(CONFLICT_MESSAGE)}
                )
        if (index + 1) % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(
                done=index + 1, **counts, updated_at=timezone.now()
            )


def import_run(*, job_id: int) -> ImportJob:
    """Write a queued import's rows, one transaction per row, saving progress as it
    goes (the worker calls this)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job
    actor = job.created_by
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    errors: list[dict] = []
    try:
        _write_rows(job, actor, counts, errors)
    except Exception:
        # A crash (not a bad row) must not leave the import "running" forever.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            errors=errors[:MAX_ERRORS],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
            **counts,
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        done=len(job.rows),
        errors=errors[:MAX_ERRORS],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
        **counts,
    )
    job.refresh_from_db()
    return job
