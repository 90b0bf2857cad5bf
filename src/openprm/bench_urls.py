"""Internal endpoints for the benchmark suite (bench/), never for production.

Mounted under ``/_bench/`` only when ``OPENPRM_BENCH_ENDPOINTS`` is true. They give the
two baselines that every benchmark scenario is compared with, measured by the same
server in the same run:

- ``ceiling/``: a trivial JSON body, no database access. What the framework (server,
  middleware, URL routing) costs per request; nothing built on it can be faster.
- ``floor/partners/``: the rows of the console partner list (same page of 50, same
  ordering, same LIMIT/OFFSET from ``?page=N``) read with ``.values()`` and dumped as
  JSON, with no authentication, template or serializer. The least work that still
  answers the same question; a real page's throughput over this one is its "ratio
  to the floor".
- ``floor/audit-entries/?partner=&page=``: the same for the API's audit entry list
  of one partner's admin (the partner given in the URL instead of a token).
- ``floor/leads/``, ``floor/deal-queue/``, ``floor/audit-trail/``,
  ``floor/partner-360/``: the lead lists, the deal review queue, the console's
  audit trail and partner page (issue 21; each view says what it reads).
- ``floor/library/?partner=&page=``: the portal library's page of 24 live assets
  for a partner admin of that partner, the audiences holding them matched on each
  request (see ``floor_library``); ``floor/library-cached/`` finds them once per
  process (``floor_library_cached``).
- ``floor/portal-metrics/?partner=`` and ``floor/executive-dashboard/``: the month
  rollup rows the portal home's tier progress and the console's executive
  dashboard read (last 12 months), with ``.values()`` and JSON
  (``bench/rollup_pages.py``).
- ``floor/portal-metrics-page/``: the fair floor of the portal home and its tier
  card (issue 17): what plain Django would write for the same page, a
  ``login_required`` view behind the same session that reads the signed-in
  user's partner membership, then the same month rollup rows in one query, and
  renders them in an HTML template (``floor_portal_metrics_page``).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path

from openprm.core.api_endpoints import AUDIT_ENTRY_COLUMNS
from openprm.core.db import page_by_keys
from openprm.core.models import AuditEntry
from openprm.partners.models import Partner

FLOOR_PAGE_SIZE = 50
# The columns the console partner table shows (name and city, type, status, country,
# region, the partner it sits beneath). The console also counts active members per
# row; that query is part of what its ratio to this floor measures.
FLOOR_PARTNER_COLUMNS = (
    "id",
    "name",
    "city",
    "partner_type",
    "status",
    "country",
    "region",
    "parent__name",
)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def ceiling(request: HttpRequest) -> JsonResponse:
    """The framework ceiling: no database, no session, a few bytes of JSON."""
    return JsonResponse({"status": "ok"})


def floor_partners(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console partner list: one query, ``.values()``, JSON."""
    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    rows = list(
        Partner.objects.order_by("name", "id").values(*FLOOR_PARTNER_COLUMNS)[
            offset : offset + FLOOR_PAGE_SIZE
        ]
    )
    return JsonResponse({"page": page, "results": rows})


def floor_audit_entries(request: HttpRequest) -> JsonResponse:
    """The raw floor of ``GET /api/v1/audit-entries`` for one partner's admin: the
    same columns, order and LIMIT/OFFSET page, with the partner given in
    ``?partner=`` instead of an authenticated, scoped reader, and no count.

    ``?by_keys=1`` finds the page's keys first, as the API itself does
    (``core.db.page_by_keys``): the floor of the same query strategy, which shows
    how much of the API's ratio to the plain floor comes from the query.
    """
    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    entries = AuditEntry.objects.filter(
        partner_id=int(request.GET["partner"])
    ).order_by("-occurred_at", "-id")
    window = slice(offset, offset + FLOOR_PAGE_SIZE)
    if request.GET.get("by_keys"):
        entries = page_by_keys(entries, window)
    else:
        entries = entries[window]
    rows = list(
        entries.values(*AUDIT_ENTRY_COLUMNS, actor_public_id=F("actor__public_id"))
    )
    return JsonResponse({"page": page, "results": rows})


# The directory scenarios' filters and sort: two filters and a sort, as a channel
# manager narrows the directory (see bench/scenarios.py).
FLOOR_DIRECTORY_FILTER = {"status": "active", "region": "EMEA"}
FLOOR_DIRECTORY_ORDER = ("-created_at", "-id")


def floor_directory(request: HttpRequest) -> JsonResponse:
    """The raw floor of the filtered, sorted directory: the same filter, order and
    LIMIT/OFFSET page of the console table's columns, ``.values()``, JSON."""
    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    rows = list(
        Partner.objects.filter(**FLOOR_DIRECTORY_FILTER)
        .order_by(*FLOOR_DIRECTORY_ORDER)
        .values(*FLOOR_PARTNER_COLUMNS)[offset : offset + FLOOR_PAGE_SIZE]
    )
    return JsonResponse({"page": page, "results": rows})


# The columns of GET /api/v1/deals (deals.api.DealOut) and of its lines.
FLOOR_DEAL_COLUMNS = (
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
    "stage__id",
    "stage__name",
    "stage__probability",
    "stage__order",
    "stage__kind",
    "status",
    "submitted_at",
    "review_due_at",
    "protected_until",
    "discount_percent",
    "decided_at",
    "rejection_reason",
    "conflict_score",
    "source_lead_id",
)


def _with_lines(rows: list[dict]) -> list[dict]:
    """The deals' rows, each with its lines, read in one more query."""
    from openprm.deals.models import DealLine

    lines: dict[int, list] = {row["id"]: [] for row in rows}
    for line in DealLine.objects.filter(deal_id__in=lines).values(
        "deal_id", "product_line", "quantity", "amount"
    ):
        lines[line.pop("deal_id")].append(line)
    for row in rows:
        row["lines"] = lines[row["id"]]
    return rows


def floor_deals(request: HttpRequest) -> JsonResponse:
    """The raw floor of ``GET /api/v1/deals`` for one partner's admin: the same
    columns (with the partner's and the stage's), order and LIMIT/OFFSET page of the
    partner given in ``?partner=``, and the page's lines in a second query (the
    page's keys first with ``?by_keys=1``, as the portal's deal list reads them);
    no authentication, scope, count or serializer."""
    from openprm.deals.models import Deal

    deals = Deal.objects.filter(partner_id=int(request.GET["partner"])).order_by(
        "-submitted_at", "-id"
    )
    return _deal_floor_page(request, deals)


def _deal_floor_page(request: HttpRequest, deals) -> JsonResponse:
    """One page of ``deals`` (ordered) with their lines: a plain LIMIT/OFFSET, or
    the page's keys first with ``?by_keys=1`` (``page_by_keys``)."""
    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    window = slice(offset, offset + FLOOR_PAGE_SIZE)
    deals = page_by_keys(deals, window) if request.GET.get("by_keys") else deals[window]
    rows = list(deals.values(*FLOOR_DEAL_COLUMNS))
    return JsonResponse({"page": page, "results": _with_lines(rows)})


def floor_deal_queue(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console's deal registration review queue: every
    registration in review (submitted, more information requested), the most
    urgent first, the deal API's columns and the page's lines; keys first with
    ``?by_keys=1``. No authentication, count or template."""
    from openprm.deals.choices import IN_REVIEW
    from openprm.deals.models import Deal

    deals = Deal.objects.filter(status__in=IN_REVIEW).order_by("review_due_at", "id")
    return _deal_floor_page(request, deals)


def floor_console_deals(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console's deal list: every deal newest first, the same
    columns (with the partner's and the stage's) and the page's lines in a second
    query, the page's keys found first (``page_by_keys``, as the list reads them:
    the fair floor; ``?plain=1`` pages by a plain OFFSET instead); no
    authentication, count or template."""
    from openprm.deals.models import Deal

    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    deals = Deal.objects.order_by("-submitted_at", "-id")
    window = slice(offset, offset + FLOOR_PAGE_SIZE)
    deals = deals[window] if request.GET.get("plain") else page_by_keys(deals, window)
    rows = list(deals.values(*FLOOR_DEAL_COLUMNS))
    return JsonResponse({"page": page, "results": _with_lines(rows)})


def floor_forecast(request: HttpRequest) -> JsonResponse:
    """The raw floor of ``GET /api/v1/forecast`` for one partner's admin: the open
    deals of the partner in ``?partner=`` summed per stage, currency and month in
    one GROUP BY, as JSON, with no conversion, weighting or scope."""
    from django.db.models import Count, Sum

    from openprm.deals.choices import LIVE
    from openprm.deals.models import Deal
    from openprm.deals.pipeline.selectors import close_month

    rows = list(
        Deal.objects.filter(
            partner_id=int(request.GET["partner"]),
            status__in=LIVE,
            stage__kind="open",
        )
        .annotate(month=close_month())
        .values("stage_id", "currency", "month")
        .annotate(deals=Count("id"), amount=Sum("total_amount"))
        .order_by()
    )
    return JsonResponse({"results": rows})


def floor_console_pipeline(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console pipeline: the maintained sums it reads (the
    regional totals per stage, currency and month, and per region; the partner
    cells per partner) in three GROUP BYs, as JSON, with no conversion, ranking,
    scope or template."""
    from django.db.models import Sum

    from openprm.deals.models import PipelineCell, PipelineTotal

    figures = {"deals": Sum("deal_count"), "amount": Sum("amount_minor")}
    open_totals = PipelineTotal.objects.filter(stage__kind="open", deal_count__gt=0)
    months = open_totals.values("stage_id", "currency", "month").annotate(**figures)
    regions = open_totals.values("region", "stage_id", "currency").annotate(**figures)
    partners = (
        PipelineCell.objects.filter(stage__kind="open", deal_count__gt=0)
        .values("partner_id")
        .annotate(**figures)
        .order_by("-amount")[:20]
    )
    return JsonResponse(
        {
            "results": [list(months.order_by()), list(regions.order_by())],
            "partners": list(partners),
        },
        json_dumps_params={"default": str},
    )


# The portal library's page (content.library.views.PER_PAGE) and the columns its
# cards show.
FLOOR_LIBRARY_PAGE_SIZE = 24
FLOOR_LIBRARY_COLUMNS = (
    "id",
    "public_id",
    "kind",
    "title",
    "summary",
    "language",
    "product_lines",
    "thumbnail",
    "publish_at",
)
# The audiences holding the strict floor's reader, by (partner, roles): found
# once per process (``floor_library_cached``).
_LIBRARY_AUDIENCES: dict[tuple[int, frozenset[str]], list[int]] = {}


def _library_floor_page(request: HttpRequest, audience_ids: list[int]) -> JsonResponse:
    from openprm.content.models import Asset, live_q

    page = _page_number(request)
    offset = (page - 1) * FLOOR_LIBRARY_PAGE_SIZE
    assets = Asset.objects.filter(live_q(), audience_id__in=audience_ids).order_by(
        "-publish_at", "-id"
    )
    window = slice(offset, offset + FLOOR_LIBRARY_PAGE_SIZE)
    rows = list(page_by_keys(assets, window).values(*FLOOR_LIBRARY_COLUMNS))
    return JsonResponse({"page": page, "count": assets.count(), "results": rows})


def _library_reader(request: HttpRequest):
    from openprm.segments.audiences import AudienceReader

    return AudienceReader(
        partner_id=int(request.GET["partner"]), roles=frozenset({"partner_admin"})
    )


def floor_library(request: HttpRequest) -> JsonResponse:
    """The raw floor of the portal library for a partner admin of the partner in
    ``?partner=``: the audiences holding them, matched on every request as any
    correct reader must (an audience or a partner changed a moment ago changes
    the rows), by the product's own compiled matcher (a plain query per audience
    would cost more); then the same page of live assets (newest first; the
    page's keys first, the faster plain plan with the reader index) with
    ``.values()`` and the count as JSON. No session, filters, template or visit
    record."""
    from openprm.segments.audiences import matching_audience_ids

    return _library_floor_page(request, matching_audience_ids(_library_reader(request)))


def floor_library_cached(request: HttpRequest) -> JsonResponse:
    """``floor_library`` with the audiences found once per server process: not a
    correct reader (it misses audience changes), but the strictest yardstick for
    the page's own layers, reported beside the fair floor."""
    from openprm.segments.audiences import matching_audience_ids

    reader = _library_reader(request)
    key = (reader.partner_id, reader.roles)
    if key not in _LIBRARY_AUDIENCES:
        _LIBRARY_AUDIENCES[key] = matching_audience_ids(reader)
    return _library_floor_page(request, _LIBRARY_AUDIENCES[key])


# The portal catalogue's page (learning.views.PER_PAGE) and the columns its
# cards show (the lesson count too).
FLOOR_CATALOGUE_PAGE_SIZE = 25
FLOOR_CATALOGUE_COLUMNS = (
    "id",
    "public_id",
    "title",
    "summary",
    "language",
    "product_line",
)


def floor_catalogue(request: HttpRequest) -> JsonResponse:
    """The raw floor of the portal course catalogue for a partner admin of the
    partner in ``?partner=``: the audiences holding them matched on every request
    (as ``floor_library``), then the same page of published courses (title, id)
    with ``.values()``, each card's lesson count, and the count, as JSON. The
    page's keys first with ``?by_keys=1``. No session, filters, facets, paths,
    template."""
    from django.db.models import Count

    from openprm.learning.models import Course
    from openprm.segments.audiences import matching_audience_ids

    page = _page_number(request)
    offset = (page - 1) * FLOOR_CATALOGUE_PAGE_SIZE
    window = slice(offset, offset + FLOOR_CATALOGUE_PAGE_SIZE)
    audience_ids = matching_audience_ids(_library_reader(request))
    courses = Course.objects.filter(
        audience_id__in=audience_ids, is_published=True
    ).order_by("title", "id")
    by_keys = bool(request.GET.get("by_keys"))
    rows = page_by_keys(courses, window) if by_keys else courses
    rows = rows.annotate(lesson_count=Count("modules__lessons")).values(
        *FLOOR_CATALOGUE_COLUMNS, "lesson_count"
    )
    rows = list(rows if by_keys else rows[window])
    return JsonResponse({"page": page, "count": courses.count(), "results": rows})


# The portal funds page (funds.views.portal_funds): the newest requests and
# ledger entries it lists, and the columns it shows of them.
FLOOR_FUND_REQUESTS = 50
FLOOR_FUND_ENTRIES = 10
FLOOR_FUND_REQUEST_COLUMNS = (
    "id",
    "public_id",
    "title",
    "status",
    "amount",
    "currency",
    "starts_on",
    "activity_type__name",
    "budget__fund__name",
    "budget__period__name",
)
FLOOR_FUND_ENTRY_COLUMNS = (
    "id",
    "kind",
    "amount",
    "occurred_at",
    "note",
    "allocation__budget__fund__name",
    "allocation__budget__fund__currency",
    "allocation__budget__period__name",
    "request__title",
)


def floor_funds(request: HttpRequest) -> JsonResponse:
    """The raw floor of the portal's funds page for the partner in ``?partner=``:
    its allocations (fund, period), the ledger summed per allocation and kind in
    one GROUP BY (every figure is a sum of the ledger), its 50 newest requests
    and 10 newest entries, each with ``.values()``, as JSON. No session,
    membership, scope, template or arithmetic of the figures."""
    from django.db.models import Sum

    from openprm.funds.models import Allocation, FundRequest, LedgerEntry

    partner_id = int(request.GET["partner"])
    allocations = list(
        Allocation.objects.filter(partner_id=partner_id)
        .order_by("-budget__period__starts_on", "budget__fund__name")
        .values(
            "id",
            "expired_at",
            "budget__fund__name",
            "budget__fund__currency",
            "budget__period__name",
            "budget__period__ends_on",
            "budget__carry_over_percent",
        )
    )
    sums = list(
        LedgerEntry.objects.filter(allocation_id__in=[row["id"] for row in allocations])
        .order_by()
        .values("allocation_id", "kind")
        .annotate(total=Sum("amount"))
    )
    requests = list(
        FundRequest.objects.filter(partner_id=partner_id)
        .order_by("-created_at", "-id")
        .values(*FLOOR_FUND_REQUEST_COLUMNS)[:FLOOR_FUND_REQUESTS]
    )
    entries = list(
        LedgerEntry.objects.filter(partner_id=partner_id)
        .order_by("-occurred_at", "-id")
        .values(*FLOOR_FUND_ENTRY_COLUMNS)[:FLOOR_FUND_ENTRIES]
    )
    return JsonResponse(
        {
            "allocations": allocations,
            "sums": sums,
            "requests": requests,
            "results": entries,
        }
    )


FLOOR_APPROVAL_COLUMNS = (
    "public_id",
    "subject_label",
    "partner__name",
    "kind",
    "status",
    "escalation_level",
    "amount",
    "currency",
    "step_position",
    "step_name",
    "assignee__email",
    "queue__name",
    "due_at",
)


def floor_approvals(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console's approvals page ("waiting on me") for the
    user in ``?user=``: the open approvals assigned to them, to their queues (by
    name or by their role), or to someone they stand in for today, soonest due
    first, one page of 50 with ``.values()`` as JSON (the page's keys first with
    ``?by_keys=1``). No session, count or template."""
    from django.db.models import Q
    from django.utils import timezone

    from openprm.accounts.models import User
    from openprm.approvals.choices import OPEN_STATUSES
    from openprm.approvals.models import Delegation, Queue, Request

    user_id = int(request.GET["user"])
    today = timezone.localdate()
    away = Delegation.objects.filter(
        delegate_id=user_id, starts_on__lte=today, ends_on__gte=today
    ).values("user_id")
    queues = Queue.objects.filter(
        Q(members=user_id)
        | Q(members__in=away)
        | Q(vendor_role__in=User.objects.filter(pk=user_id).values("vendor_role"))
    ).values("id")
    approvals = Request.objects.filter(
        Q(assignee_id=user_id) | Q(assignee_id__in=away) | Q(queue_id__in=queues),
        status__in=OPEN_STATUSES,
    ).order_by("due_at", "created_at", "id")
    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    window = slice(offset, offset + FLOOR_PAGE_SIZE)
    if request.GET.get("by_keys"):
        approvals = page_by_keys(approvals, window)
    else:
        approvals = approvals[window]
    rows = list(approvals.values(*FLOOR_APPROVAL_COLUMNS))
    return JsonResponse({"page": page, "results": rows})


# The columns the console's and the portal's lead tables show.
FLOOR_LEAD_COLUMNS = (
    "id",
    "public_id",
    "company",
    "domain",
    "country",
    "postal_code",
    "region",
    "status",
    "created_at",
    "current_partner__name",
)


def floor_leads(request: HttpRequest) -> JsonResponse:
    """The raw floor of the lead lists: newest first, every lead (the console's
    vendor admin) or, with ``?partner=``, the leads that partner holds (the
    portal's list, with each one's pending offer deadline as the portal reads
    it); one page of 50 with ``.values()`` as JSON, the page's keys first with
    ``?by_keys=1``. No session, count, record or template."""
    from django.db.models import OuterRef, Subquery

    from openprm.leads.models import AssignmentOutcome, Lead, LeadAssignment

    leads = Lead.objects.order_by("-created_at", "-id")
    columns: dict = {}
    if partner := request.GET.get("partner"):
        leads = leads.filter(current_partner_id=int(partner))
        columns["respond_by"] = Subquery(
            LeadAssignment.objects.filter(
                lead=OuterRef("pk"), outcome=AssignmentOutcome.PENDING
            ).values("respond_by")[:1]
        )
    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    window = slice(offset, offset + FLOOR_PAGE_SIZE)
    leads = page_by_keys(leads, window) if request.GET.get("by_keys") else leads[window]
    rows = list(leads.values(*FLOOR_LEAD_COLUMNS, **columns))
    return JsonResponse(
        {"page": page, "results": rows}, json_dumps_params={"default": str}
    )


def floor_audit_trail(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console's audit trail for a vendor admin: every entry
    newest first, one page of 50 with ``.values()`` (keys first with
    ``?by_keys=1``) and the names of the page's partners in a second query, as
    JSON. No session, filters form, count, sentences or template."""
    page = _page_number(request)
    offset = (page - 1) * FLOOR_PAGE_SIZE
    window = slice(offset, offset + FLOOR_PAGE_SIZE)
    entries = AuditEntry.objects.order_by("-occurred_at", "-id")
    entries = (
        page_by_keys(entries, window) if request.GET.get("by_keys") else entries[window]
    )
    rows = list(entries.values(*AUDIT_ENTRY_COLUMNS))
    names = dict(
        Partner.objects.filter(
            pk__in={row["partner_id"] for row in rows if row["partner_id"]}
        ).values_list("id", "name")
    )
    return JsonResponse(
        {"page": page, "results": rows, "partners": names},
        json_dumps_params={"default": str},
    )


def floor_partner_360(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console's partner page (the partner 360) for the
    partner in ``?partner=``: the partner with its parent, its contacts, the
    partners beneath it, its 20 latest audit entries, and the two sections whose
    reads grow with the data: its deals counted per status, summed per currency
    and status (live, and won in the last year) and the 5 latest; its lead
    offers counted per outcome. Each with ``.values()``, as JSON. The page's other
    sections (programmes, users, journeys, metrics, health, agreements,
    accreditations, notifications) read a partner's few rows of their own: they
    are part of what the page's ratio to this floor measures."""
    from datetime import timedelta

    from django.db.models import Count, Q, Sum
    from django.utils import timezone

    from openprm.deals.choices import LIVE
    from openprm.deals.models import Deal
    from openprm.leads.models import LeadAssignment
    from openprm.partners.models import Contact

    partner_id = int(request.GET["partner"])
    partner = (
        Partner.objects.filter(pk=partner_id).values(*FLOOR_PARTNER_COLUMNS).first()
    )
    contacts = list(Contact.objects.filter(partner_id=partner_id).values())
    children = list(
        Partner.objects.filter(parent_id=partner_id)
        .order_by("name")
        .values(*FLOOR_PARTNER_COLUMNS)
    )
    history = list(
        AuditEntry.objects.filter(partner_id=partner_id)
        .order_by("-occurred_at", "-id")
        .values(*AUDIT_ENTRY_COLUMNS)[:20]
    )
    deals = Deal.objects.filter(partner_id=partner_id).order_by()
    counts = list(deals.values("status").annotate(total=Count("id")))
    year_ago = timezone.now() - timedelta(days=365)
    sums = list(
        deals.filter(Q(status__in=LIVE) | Q(status="won", closed_at__gte=year_ago))
        .values("currency", "status")
        .annotate(amount=Sum("total_amount"), total=Count("id"))
    )
    latest = list(
        deals.order_by("-submitted_at", "-id").values(
            "public_id", "title", "status", "stage__name", "total_amount", "currency"
        )[:5]
    )
    offers = list(
        LeadAssignment.objects.filter(partner_id=partner_id)
        .order_by()
        .values("outcome")
        .annotate(total=Count("id"))
    )
    return JsonResponse(
        {
            "partner": partner,
            "contacts": contacts,
            "children": children,
            "history": history,
            "results": [counts, sums, latest, offers],
        },
        json_dumps_params={"default": str},
    )


def _rollup_period():
    from openprm.metrics.selectors import Period

    return Period.trailing(12)


def floor_portal_metrics(request: HttpRequest) -> JsonResponse:
    """The raw floor of the portal home's rollup read for the partner in
    ``?partner=``: its month rollup rows of the last 12 months, ``.values()``,
    JSON. No session, enrolments, requirements or template."""
    from openprm.metrics.models import MonthlyValue

    period = _rollup_period()
    rows = list(
        MonthlyValue.objects.filter(
            partner_id=int(request.GET["partner"]),
            month__gte=period.first,
            month__lte=period.last,
        )
        .order_by()
        .values("month", "series", "value")
    )
    return JsonResponse({"results": rows})


@login_required
def floor_portal_metrics_page(request: HttpRequest) -> HttpResponse:
    """The fair floor of the portal home and its tier card: "as good as plain
    Django can write" the same page. The same session authentication as the
    portal (``login_required``: the session and the user), the reader's partner
    membership (one query, with its partner, the portal's first organisation by
    name), that partner's month rollup rows of the last 12 months (one query,
    as ``floor_portal_metrics``) rendered by an HTML template. No navigation,
    work list, enrolments, requirements or other figures: the least a page that
    shows a signed-in partner user its rollup figures must do."""
    from openprm.metrics.models import MonthlyValue
    from openprm.tenancy.models import Membership

    membership = (
        Membership.objects.filter(user=request.user, is_active=True)
        .select_related("partner")
        .order_by("partner__name", "partner_id")
        .first()
    )
    if membership is None:
        raise PermissionDenied
    period = _rollup_period()
    rows = list(
        MonthlyValue.objects.filter(
            partner_id=membership.partner_id,
            month__gte=period.first,
            month__lte=period.last,
        )
        .order_by("month", "series")
        .values("month", "series", "value")
    )
    return render(
        request,
        "bench/floor_portal_metrics.html",
        {"partner": membership.partner, "rows": rows},
    )


def floor_executive_dashboard(request: HttpRequest) -> JsonResponse:
    """The raw floor of the console's executive dashboard: the same grouped reads
    of the month rollup over the last 12 months (by month, by region, type and
    tier, the 15 partners with the most won revenue and their months), each
    ``.values()`` with ``Sum``, as JSON. No session, scope, metric arithmetic,
    chart data or template."""
    from django.db.models import Sum

    from openprm.metrics.models import MonthlyValue
    from openprm.partners.models import Partner

    period = _rollup_period()
    base = MonthlyValue.objects.filter(
        month__gte=period.first, month__lte=period.last
    ).order_by()

    def grouped(*columns, rows=base):
        return list(rows.values(*columns, "month", "series").annotate(v=Sum("value")))

    leaders = list(
        base.filter(series="won_revenue")
        .values("partner_id")
        .annotate(v=Sum("value"))
        .order_by("-v", "partner_id")
        .values_list("partner_id", flat=True)[:15]
    )
    return JsonResponse(
        {
            "months": grouped(),
            "region": grouped("partner__region"),
            "type": grouped("partner__partner_type"),
            "tier": grouped(
                "partner__enrolments__tier__name",
                rows=base.filter(partner__enrolments__status="active"),
            ),
            "top": grouped("partner_id", rows=base.filter(partner_id__in=leaders)),
            "names": list(
                Partner.objects.filter(pk__in=leaders).values("pk", "name", "public_id")
            ),
        }
    )


urlpatterns = [
    path("floor/leads/", floor_leads, name="bench_floor_leads"),
    path("floor/deal-queue/", floor_deal_queue, name="bench_floor_deal_queue"),
    path("floor/audit-trail/", floor_audit_trail, name="bench_floor_audit_trail"),
    path("floor/partner-360/", floor_partner_360, name="bench_floor_partner_360"),
    path(
        "floor/portal-metrics/", floor_portal_metrics, name="bench_floor_portal_metrics"
    ),
    path(
        "floor/portal-metrics-page/",
        floor_portal_metrics_page,
        name="bench_floor_portal_metrics_page",
    ),
    path(
        "floor/executive-dashboard/",
        floor_executive_dashboard,
        name="bench_floor_executive_dashboard",
    ),
    path("floor/funds/", floor_funds, name="bench_floor_funds"),
    path("floor/approvals/", floor_approvals, name="bench_floor_approvals"),
    path("floor/catalogue/", floor_catalogue, name="bench_floor_catalogue"),
    path("floor/library/", floor_library, name="bench_floor_library"),
    path(
        "floor/library-cached/",
        floor_library_cached,
        name="bench_floor_library_cached",
    ),
    path("floor/deals/", floor_deals, name="bench_floor_deals"),
    path("floor/console-deals/", floor_console_deals, name="bench_floor_console_deals"),
    path("floor/forecast/", floor_forecast, name="bench_floor_forecast"),
    path(
        "floor/console-pipeline/",
        floor_console_pipeline,
        name="bench_floor_console_pipeline",
    ),
    path("floor/directory/", floor_directory, name="bench_floor_directory"),
    path("ceiling/", ceiling, name="bench_ceiling"),
    path("floor/partners/", floor_partners, name="bench_floor_partners"),
    path("floor/audit-entries/", floor_audit_entries, name="bench_floor_audit_entries"),
]
