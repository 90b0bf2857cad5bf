"""Funds made directly (no audit entry or event) and through the services, for
tests that need some."""

import datetime
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.funds import services
from openprm.funds.choices import FundKind
from openprm.funds.models import ActivityType, Budget, FiscalPeriod, Fund
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CSV = b"name,email\nAda,ada@example.com\n"


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def attendees(name: str = "attendees.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, CSV, content_type="text/csv")


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"MDF {n}")
    kind = FundKind.MDF
    currency = "EUR"


def current_period() -> FiscalPeriod:
    """A period around today (this quarter, ending in 60 days)."""
    today = timezone.localdate()
    period, _created = FiscalPeriod.objects.get_or_create(
        fiscal_year=today.year,
        quarter=9,
        defaults={
            "name": f"FY{today.year} test",
            "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=60),
        },
    )
    return period


def budget(amount="100000.00", *, fund=None, period=None, **fields) -> Budget:
    value = Decimal(amount)
    return Budget.objects.create(
        fund=fund or FundFactory(),
        period=period or current_period(),
        amount=value,
        unallocated=value,
        **fields,
    )


def marketer(partner=None):
    """A partner marketer (who requests and claims funds)."""
    fields = {"roles": [PartnerRole.MARKETING]}
    if partner is not None:
        fields["partner"] = partner
    return partner_user(**fields)


def reviewer():
    return VendorUserFactory(vendor_role="channel_marketing")


def finance():
    return VendorUserFactory(vendor_role="finance")


def allocate(partner, the_budget: Budget, amount) -> None:
    """Give ``partner`` an allocation of ``amount`` (a one-partner adjustment)."""
    allocation = services._allocation_for(partner.pk, the_budget)
    services.allocation_adjust(
        actor=VendorUserFactory(), allocation=allocation, amount=amount, note="Test"
    )


def activity_type() -> ActivityType:
    return ActivityType.objects.get_or_create(name="Webinar")[0]


def make_request(
    *, partner=None, the_budget=None, amount="1000.00", user=None, **fields
):
    """A submitted request of ``amount`` (one cost line) by a marketer."""
    partner = partner or PartnerFactory()
    user = user or marketer(partner)
    today = timezone.localdate()
    values = {
        "actor": user,
        "partner": partner,
        "budget": the_budget or budget(),
        "activity_type": activity_type(),
        "title": "Webinar on security",
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=7),
        "lines": [{"description": "Platform and ads", "amount": amount}],
        **fields,
    }
    return services.request_create(**values)


def approved_request(*, partner=None, amount="1000.00", allocated=None, **fields):
    """An approved request of ``amount`` from an allocation of ``allocated``."""
    partner = partner or PartnerFactory()
    the_budget = fields.pop("the_budget", None) or budget()
    allocate(partner, the_budget, allocated or amount)
    request = make_request(
        partner=partner, the_budget=the_budget, amount=amount, **fields
    )
    return services.request_review(actor=reviewer(), request=request, approve=True)


def make_claim(request, amount="500.00", **fields):
    user = fields.pop("user", None) or marketer(request.partner)
    return services.claim_submit(
        actor=user,
        request=request,
        amount=amount,
        invoices=[pdf()],
        proofs=[attendees()],
        **fields,
    )
