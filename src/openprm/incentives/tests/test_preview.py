"""The preview of a rule: what it would have paid last quarter, from the sales
lines and the events, with multiplier, cap and dates; nothing written."""

import datetime
from decimal import Decimal

import pytest

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import events
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.incentives import preview, sales
from openprm.incentives.choices import CapPeriod, RuleBasis
from openprm.incentives.models import PointsEntry, Product
from openprm.incentives.tests.factories import EarningRuleFactory, ProductFactory
from openprm.programs.choices import BenefitKind
from openprm.programs.tests.factories import EnrolmentFactory, TierBenefitFactory
from openprm.programs.tests.test_api import bearer
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)  # last quarter: July to September 2026


def _seller():
    user = partner_user(roles=[PartnerRole.SALES])
    return user, user.memberships.get().partner


def _line(invoice, on, quantity, sku="SKU-P"):
    return {
        "invoice_number": invoice,
        "invoice_date": on,
        "end_customer": "Acme",
        "sku": sku,
        "quantity": str(quantity),
        "amount": str(90 * quantity),
        "currency": "EUR",
    }


@pytest.fixture
def sold():
    """Two partners' sales, reported before any rule existed (nothing earned)."""
    ProductFactory(sku="SKU-P")
    ProductFactory(sku="SKU-Q")
    ada, contoso = _seller()
    bob, fabrikam = _seller()
    sales.sales_report(
        actor=ada,
        partner=contoso,
        lines=[
            _line("C-1", "2026-07-10", 2),
            _line("C-2", "2026-09-30", 1),
            _line("C-3", "2026-10-01", 5),  # this quarter
            _line("C-4", "2026-08-01", 7, sku="SKU-Q"),  # another product
        ],
    )
    sales.sales_report(
        actor=bob, partner=fabrikam, lines=[_line("F-1", "2026-08-15", 4)]
    )
    return contoso, fabrikam


def _product(sku):
    return Product.objects.get(sku=sku)


def _counts():
    return (
        PointsEntry.objects.count(),
        OutboxEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def test_last_quarter_is_the_full_quarter_before_today():
    assert preview.last_quarter(TODAY) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 10, 1),
    )
    assert preview.last_quarter(datetime.date(2026, 2, 1))[0] == datetime.date(
        2025, 10, 1
    )


def test_a_unit_rule_pays_the_quarters_lines_of_its_product_with_multipliers(sold):
    contoso, fabrikam = sold
    enrolment = EnrolmentFactory(partner=fabrikam)
    TierBenefitFactory(
        tier=enrolment.tier, kind=BenefitKind.POINTS_MULTIPLIER, value="1.5"
    )
    rule = EarningRuleFactory(product=_product("SKU-P"), points=Decimal(10))
    before = _counts()

    result = preview.rule_preview(user=VendorUserFactory(), rule=rule, today=TODAY)

    assert (result.points, result.sources) == (90, 3)
    assert [(row.name, row.points, row.sources) for row in result.partners] == [
        (fabrikam.name, 60, 1),
        (contoso.name, 30, 2),
    ]
    assert _counts() == before


def test_the_cap_holds_per_partner_and_period(sold):
    contoso, _fabrikam = sold
    rule = EarningRuleFactory(
        product=_product("SKU-P"),
        points=Decimal(10),
        cap_points=25,
        cap_period=CapPeriod.MONTH,
    )
    result = preview.rule_preview(user=VendorUserFactory(), rule=rule, today=TODAY)
    # Contoso: July 20 and September 10; Fabrikam: 40 in August, capped to 25.
    assert dict((row.name, row.points) for row in result.partners)[contoso.name] == 30
    assert result.points == 55


def test_a_rule_outside_its_dates_pays_nothing(sold):
    rule = EarningRuleFactory(
        product=_product("SKU-P"),
        starts_on=datetime.date(2026, 10, 1),
    )
    result = preview.rule_preview(user=VendorUserFactory(), rule=rule, today=TODAY)
    assert (result.points, result.partners) == (0, [])


def test_an_event_rule_counts_the_quarters_events():
    _user, partner = _seller()
    for day in (datetime.date(2026, 8, 3), datetime.date(2026, 11, 3)):
        event = events.emit("deal.won", payload={}, partner_id=partner.pk)
        OutboxEvent.objects.filter(pk=event.pk).update(
            occurred_at=datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
        )
    rule = EarningRuleFactory(
        basis=RuleBasis.PER_EVENT, product=None, event_name="deal.won", points=5
    )
    result = preview.rule_preview(user=VendorUserFactory(), rule=rule, today=TODAY)
    assert (result.points, result.sources) == (5, 1)


def test_a_partner_user_cannot_preview(client, sold):
    rule = EarningRuleFactory()
    user, _partner = _seller()
    response = client.get(
        f"/api/v1/earning-rules/{rule.public_id}/preview", headers=bearer(user)
    )
    assert response.status_code == 403


def test_the_preview_endpoint_answers_in_a_fixed_number_of_queries(
    client, sold, django_assert_num_queries
):
    rule = EarningRuleFactory(product=_product("SKU-P"))
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    with django_assert_num_queries(6):
        response = client.get(
            f"/api/v1/earning-rules/{rule.public_id}/preview", headers=headers
        )
    assert response.status_code == 200
    assert response.json()["points"] == 70
