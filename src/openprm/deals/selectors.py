"""Reads of deals, restricted to the user.

Partner users who work deals (``permissions.WORK``) read their organisation's deals;
a distributor granted downstream visibility reads those beneath it. Vendor staff
read every deal (channel managers: their partners' and territories').
"""

import decimal
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.core.db import (
    COUNT_MOST,
    CachedList,
    CappedCount,
    DateTimeText,
    JSONListContains,
    PageKeys,
    ScopedReader,
    Slot,
    datetime_text,
    sql_rows,
    uuid_text,
)
from openprm.core.errors import NotFound
from openprm.core.scoping import scope_for
from openprm.core.search import search_q
from openprm.core.worklist import (
    NOTHING,
    WORK_LIMIT,
    Activity,
    Contribution,
    Queue,
    WorkItem,
    sla_counts,
)
from openprm.deals import conflicts, permissions
from openprm.deals.choices import IN_REVIEW, LIVE, DealStatus, NoteKind, StageKind
from openprm.deals.models import (
    DEAL_SEARCH,
    CustomerAccount,
    Deal,
    DealConflict,
    DealExtension,
    DealLine,
    DealNote,
    DealProtection,
    Stage,
)
from openprm.partners.models import Partner
from openprm.tenancy.selectors import memberships_active_for

# The deal roles, as the list's query checks them (``_holds_a_deal_role``).
DEAL_ROLES = tuple(sorted(permissions.WORK.partner))


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _holds_a_deal_role(user: "User | Slot") -> Exists:
    """The reader holds a deal role (``permissions.WORK``) somewhere, as a condition
    of a query (``user`` may be the slot of compiled SQL that the reader's id
    fills)."""
    any_role = Q()
    for role in DEAL_ROLES:
        any_role |= Q(JSONListContains("roles", role))
    return Exists(memberships_active_for(user=user).order_by().filter(any_role))


def registering_partner(*, user, partner_id: int | None) -> Partner:
    """The organisation a user registers a deal for: the one given, else their only
    one (403 without the deal roles anywhere; 422 for a partner not theirs)."""
    partner_id = permissions.WORK.acting_partner_id(
        user,
        partner_id,
        refusal=_("Say which of your organisations registers it."),
    )
    return Partner.objects.get(pk=partner_id)


# --- deals


def _deal_related(queryset: QuerySet[Deal]) -> QuerySet[Deal]:
    return queryset.select_related("partner", "stage").prefetch_related(
        Prefetch("lines", queryset=DealLine.objects.order_by("id"))
    )


def deal_list_visible_to(
    *,
    user,
    status: str = "",
    search: str = "",
    partner_id: int | None = None,
) -> QuerySet[Deal]:
    """Deals the user may read, newest first, with partner, stage and lines."""
    if not _signed_in(user):
        return Deal.objects.none()
    if not user.is_vendor_staff and not permissions.WORK.allows(user):
        return Deal.objects.none()
    deals = Deal.objects.visible_to(user)
    if partner_id is not None:
        deals = deals.filter(partner_id=partner_id)
    deals = _filtered(deals, status=status, search=search)
    return _deal_related(deals).order_by("-submitted_at", "-id")


def _filtered(deals: QuerySet[Deal], *, status: str, search: str) -> QuerySet[Deal]:
    if status:
        deals = deals.filter(status=status)
    if search := search.strip():
        deals = deals.filter(search_q(search, DEAL_SEARCH))
    return deals


# The columns of one deal in the API's list, read as the database returns them.
_DOCUMENT_COLUMNS = (
    "id",
    "public_id",
    "partner_id",
    "partner__name",
    "title",
    "customer_name",
    "customer_domain",
    "customer_country",
    "contact_name",
    "contact_email",
    "currency",
    "total_amount",
    "expected_close_date",
    "stage_id",
    "stage__name",
    "stage__probability",
    "stage__order",
    "stage__kind",
    "status",
    "rejection_reason",
    "conflict_score",
    "source_lead_id",
    "discount_percent",
)
# Its times as text (``DateTimeText``): no driver parsing them into datetimes that
# are then written back as text.
_DOCUMENT_TIMES = {
    "submitted_text": DateTimeText("submitted_at"),
    "review_due_text": DateTimeText("review_due_at"),
    "protected_until_text": DateTimeText("protected_until"),
    "decided_text": DateTimeText("decided_at"),
}
# A deal's lines, read in the page's query (one row per line, a deal without lines
# once with NULLs), then the capped count, the same in every row.
_LINE_COLUMNS = ("lines__id", "lines__product_line", "lines__quantity", "lines__amount")


@dataclass(frozen=True)
class DealListReader(ScopedReader):
    """What the deal list's query reads about its reader: their scope, and whether
    the query itself checks that they hold a deal role (a partner user whose roles
    are not known yet; the reader's id is then bound as the ``reader_id`` slot)."""

    checks_deal_role: bool


# The reader whose deal roles the list's query checks (``_deal_list_query``).
_READER_ID = Slot("reader_id", output_field=IntegerField())


def _deal_list_query(reader: DealListReader, filters: tuple[str, str]) -> QuerySet:
    """The list's one query: the page's keys (``PageKeys``), their rows joined to
    their lines, and the capped count (``COUNT_MOST``), the same in every row."""
    status, search = filters
    deals = Deal.objects.within(reader.scope)
    if reader.checks_deal_role:
        deals = deals.filter(_holds_a_deal_role(_READER_ID))
    deals = _filtered(deals, status=status, search=search).order_by(
        "-submitted_at", "-id"
    )
    return (
        Deal._base_manager.filter(pk__in=PageKeys(deals))
        .order_by("-submitted_at", "-id", "lines__id")
        .annotate(**_DOCUMENT_TIMES, list_count=CappedCount(deals, COUNT_MOST))
        .values(*_DOCUMENT_COLUMNS, *_DOCUMENT_TIMES, *_LINE_COLUMNS, "list_count")
    )


# Building and compiling the scoped, filtered queryset cost more than running it.
_DEAL_LIST = CachedList("deals.deal_list_page", _deal_list_query)


def deal_list_page(
    *,
    user,
    status: str = "",
    search: str = "",
    limit: int,
    offset: int,
    count_most: int,
) -> tuple[list[dict], int | None]:
    """One page of ``deal_list_visible_to`` as the API's ``DealOut`` documents (in
    JSON types: ids, amounts, dates and times as text, as the API writes them),
    and how many deals match up to ``count_most`` (None when the page is empty:
    count with ``deal_list_visible_to``).

    One query brings the page's keys, their rows joined to their lines and the
    capped count (an uncorrelated scalar subquery the database runs once). Its SQL
    is compiled once per reader context (``DealListReader``) and filters: the list
    reads tens of thousands of a partner's deals, and on PostgreSQL compiling the
    scoped query cost nearly as much as running it.
    """
    if not _signed_in(user):
        return [], 0
    # A partner user's deal role is checked in the page's query itself (no query
    # of its own for the reader's roles).
    rows = _DEAL_LIST.rows(
        DealListReader(
            scope=scope_for(user), checks_deal_role=not user.is_vendor_staff
        ),
        (status, search.strip()),
        limit=limit,
        offset=offset,
        count_most=count_most,
        reader_id=user.pk,
    )
    documents: list[dict] = []
    count = None
    last_id = None
    for row in rows:
        (pk, *columns, line_id, product_line, quantity, amount, count) = row
        if pk != last_id:
            last_id = pk
            lines: list[dict] = []
            documents.append(_document(columns, lines))
        if line_id is not None:
            lines.append(
                {
                    "product_line": product_line,
                    "quantity": quantity,
                    "amount": _decimal(amount, 2),
                }
            )
    return documents, count


def _document(columns: list, lines: list[dict]) -> dict:
    (
        public_id,
        partner_id,
        partner_name,
        title,
        customer_name,
        customer_domain,
        customer_country,
        contact_name,
        contact_email,
        currency,
        total_amount,
        expected_close_date,
        stage_id,
        stage_name,
        stage_probability,
        stage_order,
        stage_kind,
        status,
        rejection_reason,
        conflict_score,
        source_lead_id,
        discount_percent,
        submitted_at,
        review_due_at,
        protected_until,
        decided_at,
    ) = columns
    return {
        "id": uuid_text(public_id),
        "partner": partner_id,
        "partner_name": partner_name,
        "title": title,
        "customer": {
            "name": customer_name,
            "domain": customer_domain,
            "country": customer_country,
        },
        "contact_name": contact_name,
        "contact_email": contact_email,
        "currency": currency,
        "amount": _decimal(total_amount, 2),
        "expected_close_date": expected_close_date
        if isinstance(expected_close_date, str)
        else expected_close_date.isoformat(),
        "stage": {
            "id": stage_id,
            "name": stage_name,
            "probability": stage_probability,
            "order": stage_order,
            "kind": stage_kind,
        },
        "status": status,
        "lines": lines,
        "submitted_at": datetime_text(submitted_at),
        "review_due_at": review_due_at and datetime_text(review_due_at),
        "protected_until": protected_until and datetime_text(protected_until),
        "discount_percent": _decimal(discount_percent, 2),
        "decided_at": decided_at and datetime_text(decided_at),
        "rejection_reason": rejection_reason,
        "conflict_score": conflict_score,
        "source_lead_id": uuid_text(source_lead_id),
    }


_DECIMAL_CONTEXT = decimal.Context(prec=15)


def _decimal(value, places: int) -> str | None:
    """A decimal column as the API writes it (``str`` of the ``Decimal`` Django
    reads): PostgreSQL's driver hands back a ``Decimal``; SQLite a number, quantized
    to the field's places as Django's converter does."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = _DECIMAL_CONTEXT.create_decimal_from_float(value).quantize(
            Decimal(1).scaleb(-places)
        )
    return str(value)


def review_queue(*, user) -> QuerySet[Deal]:
    """Registrations awaiting a decision, the most urgent first."""
    permissions.REVIEW.ensure(user)
    return (
        Deal.objects.visible_to(user)
        .filter(status__in=IN_REVIEW)
        .select_related("partner", "stage")
        .prefetch_related(Prefetch("lines", queryset=DealLine.objects.order_by("id")))
        .order_by("review_due_at", "id")
    )


def deal_get(*, user, public_id: UUID | str) -> Deal:
    """One deal the user may read (404 otherwise, whatever the reason)."""
    try:
        return deal_list_visible_to(user=user).get(public_id=public_id)
    except (Deal.DoesNotExist, ValidationError):
        raise NotFound from None


def deal_conflicts(*, deal: Deal) -> list[DealConflict]:
    return list(
        DealConflict.objects.filter(deal=deal)
        .select_related("conflicting_deal__partner", "account")
        .order_by("-score", "id")
    )


@dataclass(frozen=True)
class Blocking:
    """Another registration's protection that makes approving this one impossible:
    until when, and the deal that holds it (shown to vendor staff only)."""

    ends_at: "datetime"
    deal: Deal


def blocking_protection(
    *, customer_key: str, product_lines, exclude_deal_id: int | None = None
) -> Blocking | None:
    """The active, unexpired protection of another registration on the customer and
    any of the product lines (the latest-ending when several), else ``None``:
    while it lasts the partial unique index refuses an approval (one query)."""
    protections = DealProtection.objects.filter(
        customer_key=customer_key,
        product_line__in=list(product_lines),
        is_active=True,
        ends_at__gte=timezone.now(),
    )
    if exclude_deal_id is not None:
        protections = protections.exclude(deal_id=exclude_deal_id)
    found = protections.select_related("deal__partner").order_by("-ends_at").first()
    return Blocking(ends_at=found.ends_at, deal=found.deal) if found else None


def deal_blocking_protection(*, deal: Deal, lines=None) -> Blocking | None:
    """What stops ``deal`` from being approved, for a registration in review."""
    if deal.status not in IN_REVIEW:
        return None
    product_lines = (
        [line.product_line for line in lines]
        if lines is not None
        else deal.lines.values_list("product_line", flat=True)
    )
    return blocking_protection(
        customer_key=deal.customer_key,
        product_lines=product_lines,
        exclude_deal_id=deal.pk,
    )


@dataclass(frozen=True)
class PreviewConflict:
    """One registration or vendor account a new registration would conflict with,
    as the partner may see it: their own registration by its title, another
    partner's by its status only."""

    kind: str  # "own", "other" or "account"
    score: int
    reasons: list
    status: str = ""
    status_label: str = ""
    protected_until: "datetime | None" = None
    deal: Deal | None = None  # the partner's own registration only

    def get_status_display(self) -> str:
        return self.status_label


def conflict_preview(
    *,
    user,
    partner: Partner,
    customer_name: str,
    customer_domain: str = "",
    contact_email: str = "",
    product_lines=(),
    expected_close_date: date | None = None,
) -> tuple[list[PreviewConflict], Blocking | None]:
    """The conflicts a registration with these values would have, grouped by the
    other registration with its status, and the protection that would make its
    approval impossible: what the registration form shows while it is filled in.
    Another partner's registration is never named."""
    permissions.WORK.ensure(user, partner_id=partner.pk)
    if not customer_name.strip():
        return [], None
    today = timezone.localdate()
    product_lines = [line for line in product_lines if line]
    party = party_for(
        customer_name=customer_name.strip(),
        customer_domain=customer_domain or contact_email,
        product_lines=product_lines,
        expected_close_date=max(expected_close_date or today, today),
        starts_on=today,
        partner_id=partner.pk,
    )
    found = find_conflicts(party=party, partner_id=partner.pk)
    deals = Deal.objects.in_bulk(
        [target for kind, target, _match in found if kind == "deal"]
    )
    preview = []
    for kind, target, match in found:
        if kind == "account":
            preview.append(
                PreviewConflict(
                    kind="account", score=match.score, reasons=match.reasons
                )
            )
            continue
        other = deals[target]
        own = other.partner_id == partner.pk
        preview.append(
            PreviewConflict(
                kind="own" if own else "other",
                score=match.score,
                reasons=match.reasons,
                status=other.status,
                status_label=other.get_status_display(),
                protected_until=(
                    other.protected_until
                    if other.status == DealStatus.APPROVED
                    else None
                ),
                deal=other if own else None,
            )
        )
    blocking = None
    if product_lines:
        blocking = blocking_protection(
            customer_key=conflicts.customer_key(
                domain=party.domain, normalised=party.normalised_name
            ),
            product_lines=product_lines,
        )
    return preview, blocking


def deal_notes(*, deal: Deal) -> list[DealNote]:
    return list(
        DealNote.objects.filter(deal=deal)
        .select_related("author")
        .order_by("created_at", "id")
    )


def deal_extensions(*, deal: Deal) -> list[DealExtension]:
    return list(DealExtension.objects.filter(deal=deal).order_by("-requested_at"))


def extension_get(*, deal: Deal, extension_id: int) -> DealExtension:
    try:
        return DealExtension.objects.get(deal=deal, pk=extension_id)
    except DealExtension.DoesNotExist:
        raise NotFound from None


def deal_attachments(*, deal: Deal):
    return list(deal.attachments.order_by("id"))


def attachment_get(*, deal: Deal, public_id) -> "object":
    try:
        return deal.attachments.get(public_id=public_id)
    except (deal.attachments.model.DoesNotExist, ValidationError):
        raise NotFound from None


# --- stages and accounts


def stages(*, open_only: bool = False) -> QuerySet[Stage]:
    found = Stage.objects.order_by("order", "id")
    return found.filter(kind=StageKind.OPEN) if open_only else found


def stage_of_kind(kind: str) -> Stage:
    stage = Stage.objects.filter(kind=kind).order_by("order", "id").first()
    if stage is None:
        raise NotFound
    return stage


def customer_accounts(*, user, search: str = "") -> QuerySet[CustomerAccount]:
    permissions.READ_ACCOUNTS.ensure(user)
    accounts = CustomerAccount.objects.order_by("customer_name", "id")
    if search := search.strip():
        accounts = accounts.filter(customer_name__icontains=search)
    return accounts


def reviewers_for(deal: Deal) -> list[User]:
    """Who is reminded of a pending registration: the partner's channel manager,
    else the vendor admins."""
    manager = deal.partner.channel_manager if deal.partner.channel_manager_id else None
    if manager is not None and manager.is_active:
        return [manager]
    return vendor_admins()


def question_askers(deal: Deal) -> list[User]:
    """Who is told of a partner's answer: the reviewer who asked the open
    question (the latest request for information), else the deal's reviewers."""
    note = (
        deal.notes.filter(kind=NoteKind.INFO_REQUEST, author__isnull=False)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    if note is not None and note.author.is_active:
        return [note.author]
    return reviewers_for(deal)


def vendor_admins() -> list[User]:
    return list(
        User.objects.filter(vendor_role=VendorRole.VENDOR_ADMIN, is_active=True)
    )


# --- the conflict check's reads


def _tokens(normalised: str) -> list[str]:
    return sorted(set(conflicts.significant_tokens(normalised)))[:MAX_TOKENS]


# A name's significant tokens looked up at most (each a blocking key).
MAX_TOKENS = 8
# Fuzzy candidates read on each side of the new name in one blocking key's index
# order (see ``_candidate_keys_sql``): the whole name's two sides, then for each
# of at most MAX_TOKENS tokens two key columns' two sides, so at most
# (2 + 8 x 2 x 2) x 25 = 850 fuzzy candidates are read and scored.
NEIGHBOURS = 25
# The conditions of the conflict indexes (models: ``*_live_*_idx``), written as the
# indexes' own SQL: a database uses a partial index only when the query repeats
# its condition with literals, not parameters.
_LIVE_DEAL_SQL = '"status" IN ({})'.format(", ".join(f"'{status}'" for status in LIVE))
_ACTIVE_ACCOUNT_SQL = '"is_active"'


def _candidate_keys_sql(
    *, table: str, live: str, normalised_name: str, domain: str
) -> tuple[str, list]:
    """The key, normalised name and domain of the candidates in ``table`` (live
    rows only), as one SELECT.

    Exact keys are looked up whole, whatever their number: every live row with
    the same domain or the same normalised name (a conflict by definition, never
    left out). Fuzzy candidates share a significant token as a blocking key
    (the row's first or longest token): for each token and each of the two key
    columns, the ``NEIGHBOURS`` rows on either side of the new name in the
    index's order (token, normalised name) — the names that begin the same way
    after the token —, and the ``NEIGHBOURS`` on either side of the whole name in
    the name index; so a token shared by thousands of live rows costs a bounded
    read, and the rows read are the likeliest matches, not a sample.
    """
    parts: list[str] = []
    params: list = []
    columns = '"id", "customer_name_normalised", "customer_domain"'
    select = f'SELECT {columns} FROM "{table}" WHERE {live} AND '  # noqa: S608
    if domain:
        parts.append(f'{select}"customer_domain" = %s')
        params.append(domain)
    if normalised_name:
        parts.append(f'{select}"customer_name_normalised" = %s')
        params.append(normalised_name)

    def neighbours(column: str, token: str | None, anchor: str) -> None:
        key = f'"{column}" = %s AND ' if token is not None else ""
        for compare, order in ((">=", "ASC"), ("<", "DESC")):
            parts.append(
                f"SELECT * FROM ({select}{key}"  # noqa: S608 (constants)
                f'"customer_name_normalised" {compare} %s '
                f'ORDER BY "customer_name_normalised" {order} LIMIT %s) '
                f"AS n{len(parts)}"
            )
            params.extend([*([token] if token is not None else []), anchor, NEIGHBOURS])

    # The whole name's neighbours: a typo late in a name's first word, whatever
    # its keys.
    if normalised_name:
        neighbours("customer_name_normalised", None, normalised_name)
    words = normalised_name.split()
    for token in _tokens(normalised_name):
        # Rows keyed by their first token begin with it: look beside the new
        # name with that token moved to the front.
        rest = list(words)
        if token in rest:
            rest.remove(token)
        neighbours("name_token_first", token, " ".join([token, *rest]))
        neighbours("name_token_longest", token, normalised_name)
    if not parts:
        return "", []
    return " UNION ".join(parts), params


def _same_customer_keys(
    *,
    model,
    live: str,
    normalised_name: str,
    domain: str,
    exclude_id: int | None = None,
) -> list[int]:
    """The keys of the candidates (``_candidate_keys_sql``) that are the same
    customer by the check's rules (``conflicts.is_same_customer``): one query
    reading each candidate's key, name and domain, the names compared in Python."""
    keys_sql, params = _candidate_keys_sql(
        table=model._meta.db_table,
        live=live,
        normalised_name=normalised_name,
        domain=domain,
    )
    if not keys_sql:
        return []
    return [
        pk
        for pk, name, row_domain in sql_rows(keys_sql, params)
        if pk != exclude_id
        and conflicts.is_same_customer(
            normalised_name, domain, existing_name=name, existing_domain=row_domain
        )
    ]


def conflict_candidates(
    *,
    normalised_name: str,
    domain: str,
    exclude_deal_id: int | None = None,
) -> tuple[list[dict], list[dict]]:
    """Live registrations and active vendor accounts that are the same customer
    (``_same_customer_keys``): two indexed queries for the candidates, then the
    matching deals, their product lines and the matching accounts (none when none
    match)."""
    deal_ids = _same_customer_keys(
        model=Deal,
        live=_LIVE_DEAL_SQL,
        normalised_name=normalised_name,
        domain=domain,
        exclude_id=exclude_deal_id,
    )
    deals = []
    if deal_ids:
        deals = list(
            Deal.objects.filter(pk__in=deal_ids)
            .order_by()
            .values(
                "pk",
                "partner_id",
                "status",
                "customer_name",
                "customer_name_normalised",
                "customer_domain",
                "submitted_at",
                "expected_close_date",
                "protected_until",
            )
        )
        lines: dict[int, set[str]] = {}
        for deal_id, product_line in DealLine.objects.filter(
            deal_id__in=deal_ids
        ).values_list("deal_id", "product_line"):
            lines.setdefault(deal_id, set()).add(product_line)
        for row in deals:
            row["product_lines"] = lines.get(row["pk"], set())
    account_ids = _same_customer_keys(
        model=CustomerAccount,
        live=_ACTIVE_ACCOUNT_SQL,
        normalised_name=normalised_name,
        domain=domain,
    )
    accounts = []
    if account_ids:
        accounts = list(
            CustomerAccount.objects.filter(pk__in=account_ids)
            .order_by()
            .values(
                "pk",
                "customer_name",
                "customer_name_normalised",
                "customer_domain",
                "product_line",
                "kind",
                "created_at",
                "expected_close_date",
            )
        )
    return deals, accounts


def find_conflicts(
    *,
    party: conflicts.Party,
    partner_id: int | None,
    exclude_deal_id: int | None = None,
) -> list[tuple[str, int, conflicts.Match]]:
    """(``"deal"`` or ``"account"``, id, match) for every candidate that is the same
    customer, highest score first."""
    deals, accounts = conflict_candidates(
        normalised_name=party.normalised_name,
        domain=party.domain,
        exclude_deal_id=exclude_deal_id,
    )
    found = []
    for row in deals:
        ends = row["expected_close_date"]
        if row["protected_until"] is not None:
            ends = max(ends, row["protected_until"].date())
        existing = conflicts.Party(
            normalised_name=row["customer_name_normalised"],
            domain=row["customer_domain"],
            product_lines=frozenset(row["product_lines"]),
            starts_on=row["submitted_at"].date(),
            ends_on=ends,
            partner_id=row["partner_id"],
            label=row["customer_name"],
        )
        match = conflicts.compare(party, existing, partner_id=partner_id)
        if match.score:
            found.append(("deal", row["pk"], match))
    for row in accounts:
        existing = conflicts.Party(
            normalised_name=row["customer_name_normalised"],
            domain=row["customer_domain"],
            product_lines=frozenset(
                [row["product_line"]] if row["product_line"] else []
            ),
            starts_on=row["created_at"].date() if row["expected_close_date"] else None,
            ends_on=row["expected_close_date"],
            is_account=True,
            label=row["customer_name"],
        )
        match = conflicts.compare(party, existing, partner_id=partner_id)
        if match.score:
            found.append(("account", row["pk"], match))
    found.sort(key=lambda item: (-item[2].score, item[0], item[1]))
    return found


def party_for(
    *,
    customer_name: str,
    customer_domain: str,
    product_lines,
    expected_close_date: date,
    starts_on: date,
    partner_id: int | None = None,
) -> conflicts.Party:
    normalised = conflicts.normalise_name(customer_name)
    return conflicts.Party(
        normalised_name=normalised,
        domain=conflicts.normalise_domain(customer_domain),
        product_lines=frozenset(product_lines),
        starts_on=starts_on,
        ends_on=max(expected_close_date, starts_on),
        partner_id=partner_id,
        label=customer_name,
    )


def deal_status_counts(*, user) -> dict[str, int]:
    counts = {status: 0 for status in DealStatus.values}
    for row in (
        deal_list_visible_to(user=user)
        .order_by()
        .values("status")
        .annotate(total=Count("id"))
    ):
        counts[row["status"]] = row["total"]
    return counts


PARTNER_SECTION_DEALS = 5


def partner_deal_section(user, partner: Partner) -> dict | None:
    """The partner page's deals: how many in each status, the open pipeline and
    the deals won in the last twelve months per currency, and the latest deals.
    Four queries."""
    if not user.is_vendor_staff:
        return None
    deals = Deal.objects.visible_to(user).filter(partner=partner)
    counts = {
        row["status"]: row["total"]
        for row in deals.order_by().values("status").annotate(total=Count("id"))
    }
    year_ago = timezone.now() - timedelta(days=365)
    sums = (
        deals.filter(
            Q(status__in=LIVE) | Q(status=DealStatus.WON, closed_at__gte=year_ago)
        )
        .order_by()
        .values("currency", "status")
        .annotate(amount=Sum("total_amount"), total=Count("id"))
    )
    pipeline: dict[str, dict] = {}
    won: dict[str, dict] = {}
    for row in sums:
        target = won if row["status"] == DealStatus.WON else pipeline
        entry = target.setdefault(row["currency"], {"amount": 0, "count": 0})
        entry["amount"] += row["amount"] or 0
        entry["count"] += row["total"]
    return {
        "counts": [
            (label, counts.get(status, 0))
            for status, label in DealStatus.choices
            if counts.get(status)
        ],
        "total": sum(counts.values()),
        "pipeline": sorted(pipeline.items()),
        "won": sorted(won.items()),
        "latest": list(
            deals.select_related("stage").order_by("-submitted_at", "-id")[
                :PARTNER_SECTION_DEALS
            ]
        ),
    }


# --- the homes (registered with core.worklist in hooks.py)

HOME_ACTIVITY = 5


def _name(user) -> str:
    return user.get_full_name() if user is not None else str(_("Someone"))


def _day(value) -> str:
    return date_format(timezone.localtime(value), "DATE_FORMAT")


def _deal_sentence(deal: Deal) -> str:
    values = {"title": deal.title, "who": _name(deal.decided_by)}
    if deal.status == DealStatus.APPROVED and deal.protected_until:
        values["until"] = _day(deal.protected_until)
        return _("The deal %(title)s was approved: protected until %(until)s.") % values
    sentences = {
        DealStatus.APPROVED: _("The deal %(title)s was approved."),
        DealStatus.REJECTED: _("The deal %(title)s was rejected."),
        DealStatus.MORE_INFO_REQUESTED: _(
            "The vendor asked a question about the deal %(title)s."
        ),
        DealStatus.EXPIRED: _("The protection of the deal %(title)s ended."),
        DealStatus.WON: _("The deal %(title)s was won."),
        DealStatus.LOST: _("The deal %(title)s was lost."),
    }
    if deal.status in sentences:
        return sentences[deal.status] % values
    return _("%(who)s registered the deal %(title)s.") % {
        "who": _name(deal.registered_by),
        "title": deal.title,
    }


def portal_home_work(*, user, partner) -> Contribution:
    """The deals on which the vendor waits for ``partner``'s answer, and its latest
    deal news (two queries; nothing for a user who does not work deals)."""
    if not permissions.WORK.allows(user, partner_id=partner.pk):
        return NOTHING
    question = DealNote.objects.filter(
        deal=OuterRef("pk"), kind=NoteKind.INFO_REQUEST
    ).order_by("-created_at", "-id")
    waiting = (
        Deal.objects.filter(partner=partner, status=DealStatus.MORE_INFO_REQUESTED)
        .annotate(
            question=Subquery(question.values("body")[:1]),
            asked_at=Subquery(question.values("created_at")[:1]),
        )
        .order_by("updated_at", "id")[:WORK_LIMIT]
    )
    items = [
        WorkItem(
            kind=str(_("Deal question")),
            title=str(_("Answer the question about the deal %(title)s"))
            % {"title": deal.title},
            url=reverse("portal:deal_detail", args=[deal.public_id]),
            since=deal.asked_at or deal.updated_at,
            detail=Truncator(deal.question or "").chars(120),
        )
        for deal in waiting
    ]
    latest = (
        Deal.objects.filter(partner=partner)
        .select_related("registered_by", "decided_by")
        .order_by("-updated_at", "-id")[:HOME_ACTIVITY]
    )
    activity = [
        Activity(
            at=deal.updated_at,
            text=str(_deal_sentence(deal)),
            url=reverse("portal:deal_detail", args=[deal.public_id]),
        )
        for deal in latest
    ]
    return Contribution(items=items, activity=activity)


def console_home_queues(*, user) -> list[Queue]:
    """The registrations awaiting the user's decision with their SLA (one query)."""
    if not permissions.REVIEW.allows(user):
        return []
    counts = (
        Deal.objects.visible_to(user)
        .filter(status__in=IN_REVIEW)
        .order_by()
        .aggregate(
            **sla_counts(
                due_field="review_due_at", waiting=Q(status=DealStatus.SUBMITTED)
            ),
            waiting=Count("pk", filter=Q(status=DealStatus.MORE_INFO_REQUESTED)),
        )
    )
    waiting = counts["waiting"] or 0
    return [
        Queue.counted(
            counts,
            label=str(_("Deal registrations")),
            url=reverse("console:deal_queue"),
            unit=str(_("to decide")),
            note=str(
                ngettext(
                    "%(count)s more waits for the partner's answer.",
                    "%(count)s more wait for the partners' answers.",
                    waiting,
                )
            )
            % {"count": waiting}
            if waiting
            else "",
            order=20,
        )
    ]


def deal_counts_by_partner(*, partner_ids) -> dict[int, dict]:
    """Each partner's live registrations and won deals (one query; the ids come
    from a scoped list)."""
    rows = (
        Deal.objects.filter(partner_id__in=list(partner_ids))
        .order_by()
        .values("partner_id")
        .annotate(
            live=Count("pk", filter=Q(status__in=LIVE)),
            won=Count("pk", filter=Q(status=DealStatus.WON)),
        )
    )
    return {row["partner_id"]: row for row in rows}
