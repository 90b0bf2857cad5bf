"""Demo data of marketing funds: this fiscal year's quarters, an MDF fund
allocated by tier this quarter and a co-op shared pool, and requests and claims
of Contoso Solutions (the demo partner) and a few others in every state —
draft, submitted, rejected, approved, claimed, paid and closed with a deal
attributed — made through the services as partners, marketing and finance
would.

Safe to run twice: nothing is added once a fund exists.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.accounts.models import User
from openprm.approvals.models import ChainStep
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal
from openprm.demo.ecosystem import PARTNER_LOGIN, VENDOR_LOGINS
from openprm.funds import periods, selectors, services
from openprm.funds.choices import FundKind
from openprm.funds.models import ActivityType, Allocation, Fund
from openprm.partners.models import Partner
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

DEMO_ACTIVITY_TYPES = (
    "Event",
    "Digital campaign",
    "Webinar",
    "Trade show",
    "Print",
    "Training",
)

TIER_AMOUNTS = {"Platinum": "20000", "Gold": "10000", "Silver": "5000"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ATTENDEES = b"name,company\nAda Lovelace,Analytical\nGrace Hopper,Navy\n"


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _people() -> tuple[User, User]:
    by_email = {user.email: user for user in User.objects.filter(vendor_role__gt="")}
    marketing = by_email[VENDOR_LOGINS[2].email]
    finance = by_email[VENDOR_LOGINS[3].email]
    return marketing, finance


def _fund_workers(limit: int) -> list[Membership]:
    """Contoso's admin first, then one admin or marketer per other active partner."""
    found, seen = [], set()
    memberships = (
        Membership.objects.filter(is_active=True, partner__status="active")
        .select_related("partner", "user")
        .order_by("partner__name", "id")
    )
    for membership in memberships:
        if membership.partner_id in seen:
            continue
        if set(membership.roles) & {PartnerRole.PARTNER_ADMIN, PartnerRole.MARKETING}:
            found.append(membership)
            seen.add(membership.partner_id)
    found.sort(key=lambda item: item.user.email != PARTNER_LOGIN.email)
    return found[:limit]


def build_demo_funds(*, actor) -> int:
    """A fiscal year of budgets, allocations, requests and claims; returns how
    many requests were made."""
    if Fund.objects.exists() or not Partner.objects.exists():
        return 0
    today = timezone.localdate()
    first_month = periods.start_month()
    year = periods.fiscal_year_of(today, first_month=first_month)
    quarters = services.fiscal_year_create(actor=actor, fiscal_year=year)
    current = next(q for q in quarters if q.starts_on <= today <= q.ends_on)
    later = [q for q in quarters if q.starts_on > today]
    mdf = services.fund_create(
        actor=actor, name="Market development funds", kind=FundKind.MDF, currency="EUR"
    )
    coop = services.fund_create(
        actor=actor, name="Co-op", kind=FundKind.COOP, currency="EUR"
    )
    candidates = selectors.allocation_candidates()
    tier_total = sum(
        (
            max(
                (Decimal(TIER_AMOUNTS[t]) for t in c.tiers if t in TIER_AMOUNTS),
                default=Decimal(0),
            )
            for c in candidates
        ),
        Decimal(0),
    )
    mdf_budget = services.budget_create(
        actor=actor,
        fund=mdf,
        period=current,
        amount=tier_total + Decimal("100000"),
        carry_over_percent=25,
    )
    for quarter in later:
        services.budget_create(
            actor=actor,
            fund=mdf,
            period=quarter,
            amount="400000",
            carry_over_percent=25,
        )
    pool = services.budget_create(
        actor=actor, fund=coop, period=current, amount="60000", is_shared_pool=True
    )
    if tier_total:
        services.allocation_run_apply(
            actor=actor, budget=mdf_budget, method="tier", amounts=TIER_AMOUNTS
        )
    workers = _fund_workers(6)
    if not workers:
        return 0
    contoso = workers[0]
    allocation = Allocation.objects.filter(
        partner=contoso.partner, budget=mdf_budget
    ).first()
    if allocation is None or allocation.available < Decimal("30000"):
        services.allocation_adjust(
            actor=actor,
            allocation=services._allocation_for(contoso.partner_id, mdf_budget),
            amount="30000",
            note="Launch campaign for the new security line",
        )
    return _requests(
        workers=workers, mdf=mdf_budget, pool=pool, today=today, actor=actor
    )


def _chain(director: User) -> None:
    """Fund requests' chain: channel marketing (the funds queue) always, and the
    director from 5,000.00 EUR (the vendor edits the chain on the engine)."""
    ChainStep.objects.create(
        kind=services.REQUEST_KIND, position=1, name="Channel marketing"
    )
    ChainStep.objects.create(
        kind=services.REQUEST_KIND,
        position=2,
        name="Marketing director",
        user=director,
        currency="EUR",
        min_amount=Decimal("5000"),
    )


def _requests(*, workers, mdf, pool, today, actor) -> int:
    marketing, finance = _people()
    _chain(director=actor)

    def approve(fund_request):
        """Channel marketing approves; from 5,000 EUR the director too."""
        fund_request = services.request_review(
            actor=marketing, request=fund_request, approve=True
        )
        if fund_request.status == "submitted":
            fund_request = services.request_review(
                actor=actor, request=fund_request, approve=True
            )
        return fund_request

    # The types migration 0002 adds; a flushed test database has lost them.
    for order, name in enumerate(DEMO_ACTIVITY_TYPES):
        ActivityType.objects.get_or_create(name=name, defaults={"order": order})
    types = {item.name: item for item in ActivityType.objects.all()}
    contoso = workers[0]
    made = 0

    def request(member, budget, title, kind, costs, *, days_ago=0, submit=True):
        nonlocal made
        made += 1
        starts = today - datetime.timedelta(days=days_ago + 1)
        return services.request_create(
            actor=member.user,
            partner=member.partner,
            budget=budget,
            activity_type=types[kind],
            title=title,
            description=f"{title}, run by {member.partner.name}.",
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=1),
            lines=[{"description": d, "amount": a} for d, a in costs],
            expected_leads=40,
            expected_revenue="120000",
            plan=_file("plan.pdf", PDF),
            submit=submit,
        )

    def claim(fund_request, amount, *, final=False):
        return services.claim_submit(
            actor=contoso.user
            if fund_request.partner_id == contoso.partner_id
            else fund_request.submitted_by,
            request=fund_request,
            amount=amount,
            description="Held as planned; attendee list and invoice attached.",
            is_final=final,
            invoices=[_file("invoice.pdf", PDF)],
            proofs=[_file("attendees.csv", ATTENDEES)],
        )

    webinar = request(
        contoso,
        mdf,
        "Zero-trust webinar series",
        "Webinar",
        [("Webinar platform", "4000"), ("Promotion on LinkedIn", "6000")],
        days_ago=14,
    )
    approve(webinar)
    paid = claim(webinar, "8000", final=True)
    services.claim_review(actor=marketing, claim=paid, approve=True)
    services.payout_approve(actor=finance, claim=paid)
    services.payout_record(actor=finance, claim=paid, reference="SEPA-2026-0042")
    deals = Deal.objects.filter(partner=contoso.partner)
    deal = (
        deals.filter(status=DealStatus.WON).order_by("id").first()
        or deals.order_by("id").first()
    )
    if deal is not None:
        services.attribution_propose(actor=contoso.user, request=webinar, deal=deal)
        attribution = webinar.attributions.get()
        services.attribution_decide(
            actor=marketing, attribution=attribution, approve=True
        )

    show = request(
        contoso,
        mdf,
        "Booth at the Cloud Security Expo",
        "Trade show",
        [("Booth space", "7500"), ("Printed material", "1500")],
        days_ago=5,
    )
    approve(show)
    services.claim_review(actor=marketing, claim=claim(show, "4000"), approve=True)
    claim(show, "2500")

    request(
        contoso,
        mdf,
        "Customer training day",
        "Training",
        [("Venue", "2000"), ("Catering", "800")],
    )
    request(
        contoso,
        mdf,
        "Print mailing to installed base",
        "Print",
        [("Printing and postage", "3000")],
        submit=False,
    )
    others = workers[1:]
    for index, member in enumerate(others):
        item = request(
            member,
            pool,
            f"Co-op digital campaign {index + 1}",
            "Digital campaign",
            [("Search ads", str(3000 + 500 * index))],
            days_ago=3,
        )
        if index % 3 == 0:
            approve(item)
        elif index % 3 == 1:
            services.request_review(
                actor=marketing,
                request=item,
                approve=False,
                reason="Please target the security line first.",
            )
    return made
