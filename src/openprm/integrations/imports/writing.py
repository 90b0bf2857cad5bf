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

import contextlib
import gc
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, bulk_sql, events, jsontext
from openprm.core.errors import ValidationFailed
from openprm.core.models import AuditAction
from openprm.integrations.imports import reading
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
STATUSES = frozenset(PartnerStatus.values)
CACHE_SIZE = 10_000
REQUIRED = ("name", "partner_type", "country", "region")
CONFLICT_MESSAGE = _("Another change to the same partner got there first.")
# Profile fields whose values repeat from row to row, checked once per combination.
SHARED_FIELDS = (
    "partner_type",
    "partner_types",
    "region",
    "country",
    "employee_band",
    "revenue_band",
    "industries",
    "specialisations",
    "languages",
    "tags",
)
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
        self._tables: _Tables | None = None
        self._cache: dict = {}
        self._row_checks: dict[tuple, _RowChecks] = {}

    def row_checks(self, raw: dict) -> "_RowChecks":
        """The checks for rows with these columns, made once per set of columns
        (every row of a file has the file's header)."""
        columns = tuple(raw)
        checks = self._row_checks.get(columns)
        if checks is None:
            checks = self._row_checks[columns] = _RowChecks(self, columns)
        return checks

    def tables(self) -> "_Tables":
        if self._tables is None:
            self._tables = _Tables()
        return self._tables

    def cached(self, key, compute):
        """A pure check's result by its input: files repeat the same choices on
        every row (bounded, so that unique values cannot fill the memory)."""
        try:
            return self._cache[key]
        except KeyError:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            value = self._cache[key] = compute()
            return value

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


class _RowChecks:
    """What checking a row takes that depends only on the file's columns: the row
    parser and which profile fields the rows have, split into those that files
    repeat from row to row (types, region, bands, country, ...: checked once per
    distinct combination of their cells) and the row's own (name, domains, ...)."""

    def __init__(self, ctx: ImportContext, columns: tuple):
        self.parse = reading.row_parser(columns, ctx.multi_choice_keys)
        # The fields a row of these columns gives (cells only fill them).
        fields = [
            key
            for key in self.parse(dict.fromkeys(columns, ""))
            if key not in NOT_PROFILE
        ]
        self.website = "website" in fields
        # Shared fields are columns of the same name: their cells are the key.
        self.shared = [key for key in SHARED_FIELDS if key in fields]
        self.own = [
            key for key in fields if key not in self.shared and key != "website"
        ]


def _parse(ctx: ImportContext, number: int, raw: dict) -> _Row:
    checks = ctx.row_checks(raw)
    data = checks.parse(raw)
    row = _Row(number=number, raw=raw, data=data)
    if checks.website:
        _clean_website(row, data["website"])
    # clean_profile checks each field on its own, so the shared fields are checked
    # once per distinct combination of their cells, the others per row.
    shared_key = (checks, *[raw[key] for key in checks.shared])
    for cleaned, domains, errors in (
        ctx.cached(
            shared_key, lambda: _clean({key: data[key] for key in checks.shared})
        ),
        _clean({key: data[key] for key in checks.own}),
    ):
        row.cleaned.update(cleaned)
        row.errors.update(errors)
        if domains is not None:
            row.domains = domains
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


# The same rule and message as clean_profile's, with one validator for every row
# (clean_profile builds one per call, which costs more than the rest of a row's
# checks). Plain addresses — a host name and a simple path — are a subset of what
# URLValidator accepts and are recognised by a much cheaper pattern first.
WEBSITE_VALIDATOR = URLValidator(schemes=["http", "https"])
PLAIN_WEBSITE = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
    r"(?:/[A-Za-z0-9._~/-]*)?$"
)


def _clean_website(row: _Row, raw) -> None:
    website = str(raw or "").strip()
    if website and "://" not in website:
        website = f"https://{website}"
    try:
        if website and not (
            len(website) <= WEBSITE_VALIDATOR.max_length
            and PLAIN_WEBSITE.match(website)
        ):
            WEBSITE_VALIDATOR(website)
    except DjangoValidationError:
        row.fail("website", _("Enter a valid web address."))
    row.cleaned["website"] = website


def _clean(data: dict) -> tuple[dict, list | None, dict]:
    try:
        cleaned, domains = partner_services.clean_profile(data)
    except ValidationFailed as error:
        return {}, None, error.field_errors
    return cleaned, domains, {}


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
        bulk_sql.Table(ImportKey, ["job_id", "key", "row"]).insert(
            [(ctx.job.pk, key, number) for key, number in first.items()],
            ignore_conflicts=True,
        )
    owners = bulk_sql.pairs_in(
        ImportKey, "key", "row", list(first), where={"job": ctx.job.pk}
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
    # The unique index on external ids is partial (models.HAS_EXTERNAL_ID).
    by_external = bulk_sql.pairs_in(
        Partner, "external_id", "id", list(external_ids), exclude={"external_id": ""}
    )
    by_domain = bulk_sql.pairs_in(PartnerDomain, "domain", "partner", list(domains))
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
    raw_values = row.data.get("custom_fields") or {}
    values = ctx.cached(
        (
            "custom",
            tuple(
                (key, tuple(value) if isinstance(value, list) else value)
                for key, value in raw_values.items()
            ),
        ),
        lambda: custom_fields.validate(ctx.definitions, raw_values, complete=True),
    )
    _custom_errors(row, values.errors)
    status = row.data.get("status", PartnerStatus.PROSPECT)
    if status not in STATUSES:
        row.fail("status", _("Unknown status."))
    if row.errors:
        return
    fields = dict(row.cleaned)
    fields["partner_types"] = _with_primary(
        fields.get("partner_types", []), fields["partner_type"]
    )
    fields["custom_fields"] = dict(values.values)
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


class _Tables:
    """The import's INSERT statements, prepared once per import."""

    def __init__(self):
        self.partner_fields = [f.attname for f in Partner._meta.concrete_fields]
        self.partner = bulk_sql.Table(Partner, self.partner_fields)
        self.partner_defaults = {
            f.attname: f.get_default() for f in Partner._meta.concrete_fields
        }
        # A new partner's row in the database's form, with every default, to copy.
        self.partner_template = self.partner.prepare(
            [self.partner_defaults[name] for name in self.partner_fields]
        )
        self._new_partner_plans: dict[tuple, _NewPartnerPlan] = {}
        self.domain = bulk_sql.Table(
            PartnerDomain, ["partner_id", "domain", "created_at", "updated_at"]
        )
        self.contact = bulk_sql.Table(
            Contact,
            [
                "id",
                "public_id",
                "partner_id",
                *partner_services.CONTACT_FIELDS,
                "created_at",
                "updated_at",
            ],
        )

    def new_partner_plan(self, keys: tuple) -> "_NewPartnerPlan":
        plan = self._new_partner_plans.get(keys)
        if plan is None:
            plan = self._new_partner_plans[keys] = _NewPartnerPlan(self, keys)
        return plan


class _NewPartnerPlan:
    """How a new partner whose checked fields are ``keys`` becomes its row and its
    audit entry's changes, worked out once per set of keys (a file's rows share a
    few): which columns to fill and convert, and the audited names in order."""

    def __init__(self, tables: _Tables, keys: tuple):
        index = {name: position for position, name in enumerate(tables.partner_fields)}
        self.template = tables.partner_template
        self.columns = [
            (index[key], key, tables.partner.converters[index[key]]) for key in keys
        ]
        self.created_at, self.updated_at = index["created_at"], index["updated_at"]
        self.id, self.public_id = index["id"], index["public_id"]
        self.path, self.depth = index["path"], index["depth"]
        # Each audited name: the text before its value in the changes' JSON, the
        # attribute, the column holding the value's JSON text if it is a JSON
        # column, how to write the value (text columns that are never null hold a
        # str), and the whole entry when the row leaves the default.
        converters = tables.partner.converters
        model_fields = {f.attname: f for f in Partner._meta.concrete_fields}
        self.audited = []
        for name, attname in _audited_names(keys):
            prefix = jsontext.text(name) + ": [null, "
            column = index[attname]
            default = None
            if attname not in keys:
                default = prefix + _json_text(tables.partner_defaults[attname]) + "]"
            is_json = converters[column] is jsontext.dumps
            is_text = (
                isinstance(model_fields[attname], models.CharField)
                and not model_fields[attname].null
            )
            self.audited.append(
                (
                    prefix,
                    attname,
                    column if is_json else None,
                    jsontext.text if is_text else _json_text,
                    default,
                )
            )

    def row(self, fields: dict, pk: int, public_id: str, stamp) -> list:
        values = self.template.copy()
        for position, key, convert in self.columns:
            value = fields[key]
            values[position] = (
                value if convert is None or value is None else convert(value)
            )
        values[self.id], values[self.public_id] = pk, public_id
        values[self.path], values[self.depth] = f"/{pk}/", 0
        values[self.created_at] = values[self.updated_at] = stamp
        return values

    def changes(self, fields: dict, values: list, domains: list[str]) -> str:
        """The audit entry's changes as ``jsontext.dumps`` writes them, from each
        value's JSON text (the row's, for JSON columns)."""
        parts = []
        for prefix, attname, column, encode, default in self.audited:
            if default is not None:
                parts.append(default)
            elif column is not None and values[column] is not None:
                parts.append(prefix + values[column] + "]")
            else:
                parts.append(prefix + encode(fields[attname]) + "]")
        if domains:
            parts.append('"domains": [null, ' + jsontext.strings(domains) + "]")
        return "{" + ", ".join(parts) + "}"


def _json_text(value) -> str:
    """A value as it appears in an audit entry's changes, as JSON text."""
    if isinstance(value, str):  # str, or a choice (status)
        return jsontext.text(value)
    if value is None:
        return "null"
    if type(value) not in PLAIN:
        value = audit.json_value(value)
    return jsontext.dumps(value)


CONTACT_DEFAULTS = {"name": "", "email": "", "phone": "", "title": "", "notes": ""}


class _Writer:
    """One batch's audit entries and events (the kernel's batch recorder and
    emitter), written after its rows."""

    def __init__(self, ctx, now):
        self.now = now
        self.stamp = bulk_sql.datetime_value(now)
        self.audit = audit.AuditBatch(actor=ctx.actor, now=now)
        self.events = events.EventBatch(actor=ctx.actor, now=now)

    def entry(self, object_type, object_id, label, partner_id, action, changes, verb):
        """An audit entry; ``changes`` is JSON text (``jsontext.dumps``)."""
        self.audit.add(
            action=action,
            verb=verb,
            object_type=object_type,
            object_id=object_id,
            label=label,
            partner_id=partner_id,
            changes=changes,
        )

    def event(self, name, payload: dict, partner_id):
        self.events.add(name, payload=payload, partner_id=partner_id)

    def flush(self) -> list[int]:
        self.audit.write()
        return self.events.write()


def _create_partners(ctx, tables: _Tables, writer: _Writer, rows: list[_Row]):
    new = [row for row in rows if row.verdict == "create"]
    ids = bulk_sql.reserve_ids(Partner, len(new))
    public_ids = jsontext.ordered_uuids(len(new))
    stamp = writer.stamp
    values = []
    for row, pk, public_id in zip(new, ids, public_ids, strict=True):
        fields = row.new_partner
        plan = tables.new_partner_plan(tuple(fields))
        partner_row = plan.row(fields, pk, public_id, stamp)
        values.append(partner_row)
        partner = _NewPartner(pk, jsontext.uuid_text(public_id), fields)
        row.partner = partner
        writer.entry(
            "partners.partner",
            pk,
            partner.name,
            pk,
            AuditAction.CREATE,
            plan.changes(fields, partner_row, row.add_domains),
            "partner.created",
        )
        writer.event("partner.created", partner_services.partner_payload(partner), pk)
    tables.partner.insert_prepared(values)


class _NewPartner:
    """What the rest of the batch reads of a partner just created: its keys and the
    fields its event carries (``partner_services.partner_payload``)."""

    __slots__ = (
        "country",
        "external_id",
        "name",
        "parent_id",
        "partner_type",
        "pk",
        "public_id",
        "region",
        "status",
    )

    def __init__(self, pk: int, public_id: str, fields: dict):
        self.pk = pk
        self.public_id = public_id
        self.name = fields["name"]
        self.partner_type = fields["partner_type"]
        self.status = fields["status"]
        self.country = fields["country"]
        self.region = fields["region"]
        self.parent_id = fields.get("parent_id")
        self.external_id = fields.get("external_id", "")


ATTNAMES = {"parent": "parent_id", "channel_manager": "channel_manager_id"}


def _audited_names(keys: tuple) -> list[tuple[str, str]]:
    """The audit entry's (name, attribute) pairs of a new partner with ``keys``."""
    audited = partner_services.AUDITED_FIELDS
    names = [
        *audited,
        *(
            "channel_manager" if name == "channel_manager_id" else name
            for name in keys
            if name not in audited
        ),
    ]
    return [(name, ATTNAMES.get(name, name)) for name in names]


# What the checks return is JSON already (text, lists of codes, custom field values),
# except coordinates (Decimal).
PLAIN = frozenset({str, int, bool, type(None), list, dict})


def _update_partners(writer: _Writer, rows: list[_Row]) -> None:
    changed = [row for row in rows if row.verdict == "update" and row.changed]
    fields = sorted({name for row in changed for name in row.changed})
    for row in changed:
        for name, value in row.changed.items():
            setattr(row.partner, name, value)
        row.partner.updated_at = writer.now
    if changed:
        Partner.objects.bulk_update(
            [row.partner for row in changed], [*fields, "updated_at"]
        )
    for row in rows:
        if row.verdict == "update" and row.changes:
            partner = row.partner
            writer.entry(
                "partners.partner",
                partner.pk,
                partner.name,
                partner.pk,
                AuditAction.UPDATE,
                jsontext.dumps(row.changes),
                "partner.updated",
            )
            writer.event(
                "partner.updated",
                {
                    **partner_services.partner_payload(partner),
                    "changed": sorted(row.changes),
                },
                partner.pk,
            )


def _write_contacts(tables: _Tables, writer: _Writer, rows: list[_Row]) -> None:
    new = [row for row in rows if row.new_contact]
    ids = bulk_sql.reserve_ids(Contact, len(new))
    values = []
    for row, pk in zip(new, ids, strict=True):
        fields = {**CONTACT_DEFAULTS, **row.new_contact}
        public_id = uuid.uuid4()
        values.append(
            [
                pk,
                public_id,
                row.partner.pk,
                *(fields[name] for name in partner_services.CONTACT_FIELDS),
                writer.now,
                writer.now,
            ]
        )
        contact = SimpleNamespace(
            pk=pk, public_id=public_id, partner_id=row.partner.pk, **fields
        )
        writer.entry(
            "partners.contact",
            pk,
            fields["name"],
            row.partner.pk,
            AuditAction.CREATE,
            jsontext.dumps(
                {name: [None, fields[name]] for name in partner_services.CONTACT_FIELDS}
            ),
            "partner.contact_created",
        )
        writer.event(
            "partner.contact_created",
            partner_services.contact_payload(contact),
            row.partner.pk,
        )
    tables.contact.insert(values)
    changed = [row for row in rows if row.contact_changed]
    for row in changed:
        contact = row.contact_row
        for name, value in row.contact_changed.items():
            setattr(contact, name, value)
        contact.updated_at = writer.now
        writer.entry(
            "partners.contact",
            contact.pk,
            contact.name,
            contact.partner_id,
            AuditAction.UPDATE,
            jsontext.dumps(row.contact_changes),
            "partner.contact_updated",
        )
        writer.event(
            "partner.contact_updated",
            {
                **partner_services.contact_payload(contact),
                "changed": sorted(row.contact_changed),
            },
            contact.partner_id,
        )
    if changed:
        names = sorted({name for row in changed for name in row.contact_changed})
        Contact.objects.bulk_update(
            [row.contact_row for row in changed], [*names, "updated_at"]
        )


def write(ctx, rows: list[_Row]) -> list[int]:
    """Write the planned rows (call inside a transaction): partners, their domains
    and contacts, an audit entry and an event for each partner and contact created
    or changed; returns the new events' ids. Raises IntegrityError when another
    writer got in the way."""
    tables = ctx.tables()
    writer = _Writer(ctx, timezone.now())
    _create_partners(ctx, tables, writer, rows)
    _update_partners(writer, rows)
    drop = [pk for row in rows for pk in row.drop_domain_ids]
    if drop:
        PartnerDomain.objects.filter(pk__in=drop).delete()
    tables.domain.insert_prepared(
        [
            (row.partner.pk, domain, writer.stamp, writer.stamp)
            for row in rows
            for domain in row.add_domains
        ]
    )
    _write_contacts(tables, writer, rows)
    return writer.flush()


def issues_of(ctx, rows: list[_Row], *, warn_duplicates: bool) -> list[ImportIssue]:
    issues = []
    for row in rows:
        # Errors in the order of the file's columns.
        ordered = []
        if row.errors:
            columns = {column: index for index, column in enumerate(row.raw)}
            ordered = sorted(
                row.errors.items(),
                key=lambda item: columns.get(
                    item[0].replace("custom_fields.", reading.CUSTOM_FIELD_PREFIX),
                    len(columns),
                ),
            )
        for name, messages in ordered:
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


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused for one batch. A batch makes tens of
    thousands of short-lived dicts and lists (freed by reference counting, no
    cycles), and each automatic collection walked the ones still alive: about 8%
    of a 100,000-row run. It runs again, as usual, after the batch."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def preview_batch(ctx, raw_rows: list[tuple[int, dict]]) -> BatchResult:
    """Check a batch without writing partners (the preview)."""
    with collector_paused():
        return _preview_batch(ctx, raw_rows)


def _preview_batch(ctx, raw_rows: list[tuple[int, dict]]) -> BatchResult:
    rows = check(ctx, raw_rows, register_keys=True)
    return BatchResult(
        counts=Counter(row.verdict for row in rows),
        issues=issues_of(ctx, rows, warn_duplicates=True),
        event_ids=[],
    )


def run_batch(ctx, raw_rows: list[tuple[int, dict]]) -> BatchResult:
    """Check and write a batch; a batch the database refuses is written again one
    row at a time so that only the offending row fails."""
    with collector_paused():
        return _run_batch(ctx, raw_rows)


def _run_batch(ctx, raw_rows: list[tuple[int, dict]]) -> BatchResult:
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
