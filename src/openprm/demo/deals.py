"""Demo data of deal registration: a few CRM accounts of the vendor's own and deals
in every state (submitted with and without conflicts, more information requested,
answered, approved, rejected, extension requested, won, lost and expired), made
through the services as partner sellers and the vendor admin would.

Safe to run twice: nothing is added once a deal exists.
"""

from datetime import timedelta

from django.utils import timezone

from openprm.deals import services
from openprm.deals.choices import AccountKind
from openprm.deals.models import Deal
from openprm.demo.ecosystem import PARTNER_LOGIN
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

ACCOUNTS = [
    ("SF-0001", "Globex Corporation", "globex.com", "US", AccountKind.ACCOUNT, ""),
    ("SF-0002", "Initech", "initech.com", "US", AccountKind.OPPORTUNITY, "cloud"),
    ("SF-0003", "Umbrella Pharma GmbH", "umbrella.de", "DE", AccountKind.ACCOUNT, ""),
]
# Customer, domain, country, product line, amount; the first two are registered
# twice (by two partners), so the second registration of each conflicts.
CUSTOMERS = [
    ("Acme Corporation", "acme.com", "DE", "security", "48000"),
    ("Northwind Traders", "northwind.example", "FR", "networking", "23000"),
    ("Contoso Ltd", "contoso.com", "GB", "cloud", "61000"),
    ("Fabrikam Inc", "fabrikam.com", "US", "data", "17500"),
    ("Tailspin Toys", "tailspintoys.com", "US", "collaboration", "9000"),
    ("Wide World Importers", "wideworldimporters.com", "NL", "networking", "33000"),
    ("Litware Inc", "litware.com", "CA", "security", "12000"),
    ("Proseware", "proseware.com", "DE", "cloud", "27000"),
    ("Adventure Works", "adventure-works.com", "US", "data", "41000"),
    ("Woodgrove Bank", "woodgrovebank.com", "GB", "security", "88000"),
    ("Initech", "initech.com", "US", "cloud", "15000"),
]


def _sellers(limit: int) -> list[Membership]:
    """One selling member per active partner, up to ``limit`` partners."""
    found, seen = [], set()
    memberships = (
        Membership.objects.filter(is_active=True, partner__status="active")
        .select_related("partner", "user")
        .order_by("partner__name", "id")
    )
    for membership in memberships:
        if membership.partner_id in seen:
            continue
        if set(membership.roles) & {PartnerRole.PARTNER_ADMIN, PartnerRole.SALES}:
            found.append(membership)
            seen.add(membership.partner_id)
        if len(found) == limit:
            break
    return found


def build_demo_deals(*, actor) -> int:
    """Deals in every state; returns how many were registered."""
    if Deal.objects.exists():
        return 0
    for external_id, name, domain, country, kind, line in ACCOUNTS:
        services.customer_account_upsert(
            actor=actor,
            external_id=external_id,
            name=name,
            domain=domain,
            country=country,
            kind=kind,
            product_line=line,
        )
    sellers = _sellers(len(CUSTOMERS) + 2)
    if len(sellers) < 4:
        return 0
    today = timezone.localdate()
    deals = []
    plan = [*CUSTOMERS, CUSTOMERS[0], CUSTOMERS[1]]
    for index, (name, domain, country, line, amount) in enumerate(plan):
        seller = sellers[index % len(sellers)]
        deals.append(
            services.deal_register(
                actor=seller.user,
                partner=seller.partner,
                title=f"{name.split()[0]} {line} project",
                customer_name=name,
                customer_domain=domain,
                customer_country=country,
                contact_name="Alex Buyer",
                contact_email=f"alex@{domain}",
                currency="EUR",
                expected_close_date=today + timedelta(days=30 + 7 * index),
                lines=[{"product_line": line, "quantity": 1 + index, "amount": amount}],
                description="Registered by the demo.",
            )
        )
    (acme, northwind, contoso, fabrikam, tailspin, wideworld, litware, proseware,
     _adventure, woodgrove, initech, _acme_again, _northwind_again) = deals  # fmt: skip
    for deal in (wideworld, acme, northwind, contoso, fabrikam, tailspin, woodgrove):
        services.deal_approve(actor=actor, deal=deal)
    services.deal_mark_won(actor=contoso.registered_by, deal=contoso)
    services.deal_mark_lost(
        actor=fabrikam.registered_by, deal=fabrikam, reason="Chose a competitor"
    )
    services.deal_extension_request(
        actor=tailspin.registered_by,
        deal=tailspin,
        days=30,
        reason="The customer's board meets next quarter.",
    )
    services.deal_reject(
        actor=actor, deal=initech, reason="Initech is a direct account of ours."
    )
    services.deal_request_info(
        actor=actor, deal=litware, question="Who is the economic buyer?"
    )
    services.deal_request_info(
        actor=actor, deal=proseware, question="What is the budget?"
    )
    services.deal_answer(
        actor=proseware.registered_by, deal=proseware, answer="EUR 30k, approved."
    )
    # Contoso's admin (the demo partner login) registered one the vendor asked
    # about: the portal home lists the question for them to answer.
    contoso_admin = (
        Membership.objects.filter(user__email=PARTNER_LOGIN.email, is_active=True)
        .select_related("partner", "user")
        .first()
    )
    if contoso_admin is not None:
        question = services.deal_register(
            actor=contoso_admin.user,
            partner=contoso_admin.partner,
            title="Fourth Coffee security refresh",
            customer_name="Fourth Coffee",
            customer_domain="fourthcoffee.com",
            customer_country="US",
            contact_name="Sam Buyer",
            contact_email="sam@fourthcoffee.com",
            currency="USD",
            expected_close_date=today + timedelta(days=45),
            lines=[{"product_line": "security", "quantity": 2, "amount": "26000"}],
            description="Registered by the demo.",
        )
        services.deal_request_info(
            actor=actor,
            deal=question,
            question="Which sites does the refresh cover, and who signs the order?",
        )
        deals.append(question)
    # Wide World's protection lapsed yesterday: the expiry sweep expires it.
    Deal.objects.filter(pk=wideworld.pk).update(
        protected_until=timezone.now() - timedelta(days=1)
    )
    services.deals_expire_due()
    return len(deals)
