"""Deals made directly (no audit entry or event), for tests that need some."""

import importlib
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from openprm.deals import conflicts
from openprm.deals.choices import DealStatus, StageKind
from openprm.deals.models import CustomerAccount, Deal, DealLine, Stage
from openprm.deals.services import customer_columns
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

_counter = iter(range(1, 10**9))


def ensure_stages() -> None:
    """The default stages of the data migration, back after a transactional test
    flushed every table."""
    if not Stage.objects.exists():
        migration = importlib.import_module(
            "openprm.deals.migrations.0002_default_stages"
        )
        for name, probability, order, kind in migration.DEFAULT_STAGES:
            Stage.objects.create(
                name=name, probability=probability, order=order, kind=kind
            )


def seller(partner=None, roles=(PartnerRole.SALES,)):
    """A salesperson of ``partner`` (a new partner unless given)."""
    ensure_stages()
    fields = {"roles": list(roles)}
    if partner is not None:
        fields["partner"] = partner
    return partner_user(**fields)


def make_deal(
    *,
    partner=None,
    customer_name: str | None = None,
    domain: str = "",
    product_lines=("security",),
    status: str = DealStatus.SUBMITTED,
    amount: Decimal = Decimal("1000.00"),
    registered_by=None,
    **fields,
) -> Deal:
    ensure_stages()
    partner = partner or PartnerFactory()
    number = next(_counter)
    customer_name = customer_name or f"Customer {number:05d} Zeta{number}"
    now = timezone.now()
    normalised = conflicts.normalise_name(customer_name)
    deal = Deal(
        partner=partner,
        title=fields.pop("title", f"Opportunity {number}"),
        customer_name=customer_name,
        customer_domain=conflicts.normalise_domain(domain),
        **customer_columns(name=customer_name),
        currency="EUR",
        total_amount=amount * len(product_lines),
        expected_close_date=fields.pop(
            "expected_close_date", timezone.localdate() + timedelta(days=60)
        ),
        stage=fields.pop(
            "stage", Stage.objects.filter(kind=StageKind.OPEN).order_by("order")[0]
        ),
        status=status,
        registered_by=registered_by,
        submitted_at=fields.pop("submitted_at", now),
        review_due_at=fields.pop("review_due_at", now + timedelta(days=2)),
        **fields,
    )
    deal.customer_key = conflicts.customer_key(
        domain=deal.customer_domain, normalised=normalised
    )
    if status == DealStatus.APPROVED and deal.protected_until is None:
        deal.protected_until = now + timedelta(days=90)
    deal.save()
    DealLine.objects.bulk_create(
        [
            DealLine(deal=deal, product_line=line, quantity=1, amount=amount)
            for line in product_lines
        ]
    )
    return deal


def make_account(*, name: str, domain: str = "", **fields) -> CustomerAccount:
    return CustomerAccount.objects.create(
        external_id=fields.pop("external_id", f"CRM-{next(_counter)}"),
        customer_name=name,
        customer_domain=conflicts.normalise_domain(domain),
        **customer_columns(name=name),
        **fields,
    )


def registration(**overrides) -> dict:
    """Keyword arguments of services.deal_register (partner and actor aside)."""
    return {
        "title": "Firewall refresh",
        "customer_name": "Acme Corporation",
        "customer_domain": "acme.com",
        "customer_country": "DE",
        "contact_name": "Jo Buyer",
        "contact_email": "jo@acme.com",
        "currency": "EUR",
        "expected_close_date": timezone.localdate() + timedelta(days=45),
        "lines": [{"product_line": "security", "quantity": 10, "amount": "5000"}],
        **overrides,
    }
