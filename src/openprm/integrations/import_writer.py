"""Checking and writing import rows a batch at a time, in bulk.

A batch of rows costs a fixed number of queries whatever its size: the rows are
validated in Python with the partner app's own validators (``clean_profile``,
``custom_fields.validate``, the contact check), matched to existing partners by
external id, then domain, with one query per key kind, and — when writing — their
partners, domains, contacts, audit entries and outbox events are inserted with one
``bulk_create`` each (changed partners with one ``bulk_update``).

Rules, the same as the partner services':

* a new partner needs name, type, country and region, and every required custom
  field; its status defaults to prospect; a channel manager's new partners are
  assigned to them;
* an existing partner (same external id, else same domain) gets only the columns
  the file has; status is left to the lifecycle services; a row that changes
  nothing writes nothing (no audit entry, no event);
* a row is all or nothing: every check runs before anything is written, and a
  batch that the database refuses (another writer took a domain meanwhile) is
  written again row by row, each in its own savepoint, so a bad row is reported and
  the others land;
* a row that repeats an external id or a domain of an earlier row of the same file
  is refused (``ImportKey`` remembers the first row of each key, in the database).
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, context
from openprm.core.errors import ValidationFailed
from openprm.core.models import AuditAction, AuditEntry, OutboxEvent
from openprm.integrations import importing
from openprm.integrations.models import ImportIssue, ImportKey, IssueKind
from openprm.partners import custom_fields, duplicates, permissions
from openprm.partners import services as partner_services
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import (
    Contact,
    CustomFieldDefinition,
    Partner,
    PartnerDomain,
)

BATCH_SIZE = 1000
REQUIRED = ("name", "partner_type", "country", "region")
CONFLICT_MESSAGE = _("Another change to the same partner got there first.")
# Row data that is not a partner profile field.
NOT_PROFILE = ("custom_fields", "contact", "status")


class ImportContext:
    """What every batch of one import needs, read once."""

    def __init__(self, *, actor, job):
        self.actor = actor
        self.job = job
        self.definitions = list(CustomFieldDefinition.objects.filter(is_active=True))
        self.multi_choice_keys = frozenset(
            item.key for item in self.definitions if item.field_type == "multi_choice"
        )
        self.assign_to_actor = not permissions.is_vendor_admin(actor)
        self.visible = Partner.objects.visible_to(actor)
        self._names: dict[str, str] | None = None
        self._hosts: dict[str, str] | None = None

    def lookalike(self, name: str, website: str) -> str | None:
        """An existing partner with the same normalised name or website host (the
        index is built once per import, from the partners already there)."""
        if self._names is None:
            self._names, self._hosts = {}, {}
            for other, site in self.visible.values_list("name", "website").iterator(
                chunk_size=5000
            ):
                self._names.setdefault(duplicates.normalise_name(other), other)
                if host := duplicates.website_host(site):
                    self._hosts.setdefault(host, other)
        match = self._names.get(duplicates.normalise_name(name))
        if match is None and website:
            match = self._hosts.get(duplicates.website_host(website))
        return match


@dataclass
class _Row:
    number: int
    raw: dict
    data: dict
    errors: dict[str, list] = field(default_factory=dict)
    cleaned: dict = field(default_factory=dict)
    domains: list[str] | None = None
    contact: dict | None = None
    external_id: str = ""
    partner: Partner | None = None
    verdict: str = ""
    # What writing the row does.
    new_partner: dict | None = None
    changed: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, list] = field(default_factory=dict)
    add_domains: list[str] = field(default_factory=list)
    drop_domain_ids: list[int] = field(default_factory=list)
    new_contact: dict | None = None
    contact_row: Contact | None = None
    contact_changed: dict[str, Any] = field(default_factory=dict)
    contact_changes: dict[str, list] = field(default_factory=dict)

    def upsert_keys(self) -> list[tuple[str, str]]:
        keys = [("external_id", f"x:{self.external_id}")] if self.external_id else []
        keys += [("domains", f"d:{domain}") for domain in self.domains or ()]
        return keys

    def fail(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(message)


@dataclass
class BatchResult:
    counts: Counter
    issues: list[ImportIssue]
    event_ids: list[int]


# --- checking -----------------------------------------------------------------------


def _parse(ctx: ImportContext, number: int, raw: dict) -> _Row:
    data = importing.row_data(raw, ctx.multi_choice_keys)
    row = _Row(number=number, raw=raw, data=data)
    try:
        row.cleaned, row.domains = partner_services.clean_profile(
            {key: value for key, value in data.items() if key not in NOT_PROFILE}
        )
    except ValidationFailed as error:
        row.errors.update(error.field_errors)
    if "contact" in data:
        try:
            row.contact = partner_services._clean_contact(
                data["contact"], creating=True
            )
        except ValidationFailed as error:
            for name, messages in error.field_errors.items():
                row.errors[f"contact_{name}"] = messages
    row.external_id = row.cleaned.get("external_id", "")
    return row


def _repeated_keys(ctx, rows: list[_Row], *, register: bool) -> None:
    """Refuse rows that repeat a key of an earlier row of the file: the first row
    naming a key owns it (kept in ``ImportKey`` by the preview)."""
    first: dict[str, int] = {}
    for row in rows:
        for _name, key in row.upsert_keys():
            first.setdefault(key, row.number)
    if not first:
        return
    if register:
        ImportKey.objects.bulk_create(
            [
                ImportKey(job_id=ctx.job.pk, key=key, row=number)
                for key, number in first.items()
            ],
            ignore_conflicts=True,
        )
    owners = dict(
        ImportKey.objects.filter(job_id=ctx.job.pk, key__in=first).values_list(
            "key", "row"
        )
    )
    for row in rows:
        for name, key in row.upsert_keys():
            owner = owners.get(key, row.number)
            if owner != row.number:
                row.fail(name, _("Repeats row %(row)s of this file.") % {"row": owner})
                break


def _match(ctx, rows: list[_Row]) -> dict[int, list]:
    """Find each row's partner (external id first, then domain); returns the
    matched partners' current domains as ``{partner id: [(id, domain)]}``."""
    external_ids = {row.external_id for row in rows if row.external_id}
    domains = {domain for row in rows for domain in row.domains or ()}
    by_external = (
        dict(
            Partner.objects.filter(external_id__in=external_ids).values_list(
                "external_id", "pk"
            )
        )
        if external_ids
        else {}
    )
    by_domain = (
        dict(
            PartnerDomain.objects.filter(domain__in=domains).values_list(
                "domain", "partner_id"
            )
        )
        if domains
        else {}
    )
    wanted = {*by_external.values(), *by_domain.values()}
    partners = (
        {partner.pk: partner for partner in ctx.visible.filter(pk__in=wanted)}
        if wanted
        else {}
    )
    for row in rows:
        matched_by = "external_id"
        owner = by_external.get(row.external_id) if row.external_id else None
        if owner is None:
            matched_by = "domains"
            owner = next(
                (by_domain[d] for d in row.domains or () if d in by_domain), None
            )
        if owner is None:
            continue
        row.partner = partners.get(owner)
        if row.partner is None:  # it exists, outside what the importer may change
            row.fail(
                matched_by,
                _("Another partner has this external id.")
                if matched_by == "external_id"
                else _("Already used by another partner."),
            )
            continue
        taken = sorted(
            domain
            for domain in row.domains or ()
            if by_domain.get(domain, owner) != owner
        )
        if taken:
            row.fail(
                "domains",
                _("Already used by another partner: %(domains)s.")
                % {"domains": ", ".join(taken)},
            )
    matched = [row.partner.pk for row in rows if row.partner and not row.errors]
    current: dict[int, list] = {pk: [] for pk in matched}
    if matched:
        for pk, partner_id, domain in PartnerDomain.objects.filter(
            partner_id__in=matched
        ).values_list("pk", "partner_id", "domain"):
            current[partner_id].append((pk, domain))
    return current


def _custom_errors(row: _Row, errors: dict) -> None:
    for key, messages in errors.items():
        row.errors[f"custom_fields.{key}"] = messages


def _with_primary(types: list[str], primary: str) -> list[str]:
    return [primary, *(code for code in types if code != primary)]


def _plan_create(ctx, row: _Row) -> None:
    for name in REQUIRED:
        if not row.data.get(name) and name not in row.errors:
            row.fail(name, _("This field is required."))
    values = custom_fields.validate(
        ctx.definitions, row.data.get("custom_fields") or {}, complete=True
    )
    _custom_errors(row, values.errors)
    status = row.data.get("status", PartnerStatus.PROSPECT)
    if status not in PartnerStatus.values:
        row.fail("status", _("Unknown status."))
    if row.errors:
        return
    fields = dict(row.cleaned)
    fields["partner_types"] = _with_primary(
        fields.get("partner_types", []), fields["partner_type"]
    )
    fields["custom_fields"] = values.values
    fields["status"] = status
    if ctx.assign_to_actor:
        fields["channel_manager_id"] = ctx.actor.pk
    row.new_partner = fields
    row.add_domains = list(row.domains or [])
    if row.contact:
        row.new_contact = {**row.contact, "is_primary": True}
    row.verdict = "create"


def _plan_update(ctx, row: _Row, current_domains: list, primary: Contact | None):
    partner = row.partner
    cleaned = dict(row.cleaned)
    if "custom_fields" in row.data:
        result = custom_fields.validate(
            ctx.definitions,
            row.data["custom_fields"] or {},
            current=partner.custom_fields,
        )
        _custom_errors(row, result.errors)
        cleaned["custom_fields"] = result.values
    if row.errors:
        return
    if "partner_type" in cleaned or "partner_types" in cleaned:
        cleaned["partner_types"] = _with_primary(
            cleaned.get("partner_types", partner.partner_types),
            cleaned.get("partner_type", partner.partner_type),
        )
    for name, value in cleaned.items():
        before = audit.json_value(getattr(partner, name))
        after = audit.json_value(value)
        if before != after:
            row.changed[name] = value
            row.changes[name] = [before, after]
    if row.domains is not None:
        old = sorted(domain for _pk, domain in current_domains)
        if sorted(row.domains) != old:
            row.drop_domain_ids = [
                pk for pk, domain in current_domains if domain not in row.domains
            ]
            row.add_domains = [domain for domain in row.domains if domain not in old]
            row.changes["domains"] = [old, sorted(row.domains)]
    if row.contact:
        if primary is None:
            row.new_contact = {**row.contact, "is_primary": True}
        else:
            row.contact_row = primary
            for name, value in row.contact.items():
                if getattr(primary, name) != value:
                    row.contact_changed[name] = value
                    row.contact_changes[name] = [getattr(primary, name), value]
    touched = row.changes or row.new_contact or row.contact_changed
    row.verdict = "update" if touched else "unchanged"


def check(ctx, raw_rows: list[tuple[int, dict]], *, register_keys: bool):
    """Every row of the batch checked and planned (``verdict`` and what to write)."""
    rows = [_parse(ctx, number, raw) for number, raw in raw_rows]
    valid = [row for row in rows if not row.errors]
    _repeated_keys(ctx, valid, register=register_keys)
    valid = [row for row in valid if not row.errors]
    current = _match(ctx, valid)
    primaries = {}
    wants_contact = [
        row.partner.pk
        for row in valid
        if row.partner and row.contact and not row.errors
    ]
    if wants_contact:
        primaries = {
            contact.partner_id: contact
            for contact in Contact.objects.filter(
                partner_id__in=wants_contact, is_primary=True
            )
        }
    for row in valid:
        if row.errors:
            continue
        if row.partner is None:
            _plan_create(ctx, row)
        else:
            _plan_update(
                ctx,
                row,
                current.get(row.partner.pk, []),
                primaries.get(row.partner.pk),
            )
    for row in rows:
        if row.errors:
            row.verdict = "error"
    return rows


# --- writing ------------------------------------------------------------------------


def _entry(ctx, request, instance, action, changes, verb="") -> AuditEntry:
    """An audit entry as ``core.audit.record`` writes it, built for bulk_create."""
    return AuditEntry(
        actor_id=ctx.actor.pk,
        actor_label=ctx.actor.email,
        token_id=request.token_id,
        token_label=request.token_label,
        action=action,
        verb=verb,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        partner_id=audit.owning_partner_id(instance),
        changes=changes,
        request_id=request.request_id,
        client_ip=request.client_ip,
    )


def _event(ctx, request, name, payload, partner_id) -> OutboxEvent:
    return OutboxEvent(
        name=name,
        payload=payload,
        actor_id=ctx.actor.pk,
        partner_id=partner_id,
        request_id=request.request_id,
    )


def _write_partners(rows: list[_Row], now) -> list[Partner]:
    created = [Partner(**row.new_partner) for row in rows if row.verdict == "create"]
    Partner.objects.bulk_create(created)
    if created:
        Partner.objects.filter(pk__in=[partner.pk for partner in created]).update(
            path=Concat(Value("/"), Cast("pk", CharField()), Value("/"))
        )
    for partner in created:
        partner.path = f"/{partner.pk}/"
    changed = [row for row in rows if row.verdict == "update" and row.changed]
    fields = sorted({name for row in changed for name in row.changed})
    for row in changed:
        for name, value in row.changed.items():
            setattr(row.partner, name, value)
        row.partner.updated_at = now
    if changed:
        Partner.objects.bulk_update(
            [row.partner for row in changed], [*fields, "updated_at"]
        )
    return created


def write(ctx, rows: list[_Row]) -> list[int]:
    """Write the planned rows (call inside a transaction); returns the new events'
    ids. Raises IntegrityError when another writer got in the way."""
    now = timezone.now()
    request = context.current()
    created = iter(_write_partners(rows, now))
    entries: list[AuditEntry] = []
    events: list[OutboxEvent] = []
    new_domains = []
    new_contacts: list[tuple[_Row, Contact]] = []
    changed_contacts: list[tuple[_Row, Contact]] = []
    drop = []
    for row in rows:
        if row.verdict == "create":
            partner = row.partner = next(created)
            changes = {
                name: [None, value]
                for name, value in audit.snapshot(
                    partner,
                    [
                        *partner_services.AUDITED_FIELDS,
                        *(
                            "channel_manager" if name == "channel_manager_id" else name
                            for name in row.new_partner
                            if name not in partner_services.AUDITED_FIELDS
                        ),
                    ],
                ).items()
            }
            if row.add_domains:
                changes["domains"] = [None, row.add_domains]
            entries.append(_entry(ctx, request, partner, AuditAction.CREATE, changes))
            events.append(
                _event(
                    ctx,
                    request,
                    "partner.created",
                    partner_services.partner_payload(partner),
                    partner.pk,
                )
            )
        elif row.verdict == "update" and row.changes:
            partner = row.partner
            entries.append(
                _entry(
                    ctx,
                    request,
                    partner,
                    AuditAction.UPDATE,
                    row.changes,
                    "partner.updated",
                )
            )
            events.append(
                _event(
                    ctx,
                    request,
                    "partner.updated",
                    {
                        **partner_services.partner_payload(partner),
                        "changed": sorted(row.changes),
                    },
                    partner.pk,
                )
            )
        else:
            continue
        drop += row.drop_domain_ids
        new_domains += [
            PartnerDomain(partner=row.partner, domain=domain)
            for domain in row.add_domains
        ]
    for row in rows:
        if row.verdict not in ("create", "update"):
            continue
        if row.new_contact:
            new_contacts.append((row, Contact(partner=row.partner, **row.new_contact)))
        elif row.contact_changed:
            contact = row.contact_row
            for name, value in row.contact_changed.items():
                setattr(contact, name, value)
            contact.updated_at = now
            changed_contacts.append((row, contact))
    if drop:
        PartnerDomain.objects.filter(pk__in=drop).delete()
    PartnerDomain.objects.bulk_create(new_domains)
    Contact.objects.bulk_create([contact for _row, contact in new_contacts])
    if changed_contacts:
        names = sorted({n for row, _c in changed_contacts for n in row.contact_changed})
        Contact.objects.bulk_update(
            [contact for _row, contact in changed_contacts], [*names, "updated_at"]
        )
    for _row, contact in new_contacts:
        entries.append(
            _entry(
                ctx,
                request,
                contact,
                AuditAction.CREATE,
                {
                    name: [None, value]
                    for name, value in audit.snapshot(
                        contact, partner_services.CONTACT_FIELDS
                    ).items()
                },
            )
        )
        events.append(
            _event(
                ctx,
                request,
                "partner.contact_created",
                partner_services.contact_payload(contact),
                contact.partner_id,
            )
        )
    for row, contact in changed_contacts:
        entries.append(
            _entry(ctx, request, contact, AuditAction.UPDATE, row.contact_changes)
        )
        events.append(
            _event(
                ctx,
                request,
                "partner.contact_updated",
                {
                    **partner_services.contact_payload(contact),
                    "changed": sorted(row.contact_changed),
                },
                contact.partner_id,
            )
        )
    AuditEntry.objects.bulk_create(entries)
    OutboxEvent.objects.bulk_create(events)
    return [event.pk for event in events]


def issues_of(ctx, rows: list[_Row], *, warn_duplicates: bool) -> list[ImportIssue]:
    issues = []
    for row in rows:
        for name, messages in row.errors.items():
            for message in messages:
                issues.append(
                    ImportIssue(
                        job_id=ctx.job.pk,
                        kind=IssueKind.ERROR,
                        row=row.number,
                        field=name[:100],
                        message=str(message)[:500],
                    )
                )
        if warn_duplicates and row.verdict == "create":
            match = ctx.lookalike(
                row.cleaned.get("name", ""), row.cleaned.get("website", "")
            )
            if match:
                issues.append(
                    ImportIssue(
                        job_id=ctx.job.pk,
                        kind=IssueKind.DUPLICATE,
                        row=row.number,
                        field="name",
                        message=str(
                            _("Looks like %(partner)s, already a partner.")
                            % {"partner": match}
                        )[:500],
                    )
                )
    return issues


def preview_batch(ctx, raw_rows: list[tuple[int, dict]]) -> BatchResult:
    """Check a batch without writing partners (the preview)."""
    rows = check(ctx, raw_rows, register_keys=True)
    return BatchResult(
        counts=Counter(row.verdict for row in rows),
        issues=issues_of(ctx, rows, warn_duplicates=True),
        event_ids=[],
    )


def run_batch(ctx, raw_rows: list[tuple[int, dict]]) -> BatchResult:
    """Check and write a batch; a batch the database refuses is written again one
    row at a time so that only the offending row fails."""
    rows = check(ctx, raw_rows, register_keys=False)
    writable = [row for row in rows if row.verdict in ("create", "update")]
    event_ids: list[int] = []
    try:
        with transaction.atomic():
            event_ids = write(ctx, writable)
    except IntegrityError:
        event_ids = []
        for row in writable:
            fresh = check(ctx, [(row.number, row.raw)], register_keys=False)[0]
            if fresh.verdict not in ("create", "update"):
                rows[rows.index(row)] = fresh
                continue
            try:
                with transaction.atomic():
                    event_ids += write(ctx, [fresh])
                rows[rows.index(row)] = fresh
            except IntegrityError:
                row.verdict = "error"
                row.fail("", CONFLICT_MESSAGE)
    return BatchResult(
        counts=Counter(row.verdict for row in rows),
        issues=issues_of(ctx, rows, warn_duplicates=False),
        event_ids=event_ids,
    )
