"""The leaderboard: points earned and sales by partner for a period, for the
partners the user sees, optionally one audience's; in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.incentives import leaderboard, ledger, sales
from openprm.incentives.choices import EntryKind
from openprm.incentives.tests.factories import ProductFactory
from openprm.partners.models import Partner
from openprm.programs.tests.test_api import bearer
from openprm.segments.tests.factories import AudienceFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _partner(name, *, points=(), sold=()):
    """A partner with entries (kind, points, day) and sales (invoice, day, qty)."""
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    Partner.objects.filter(pk=partner.pk).update(name=name)
    account = ledger.account_for(partner_id=partner.pk)
    for kind, amount, day in points:
        with transaction.atomic():
            if kind == EntryKind.REDEEM:
                ledger.debit(account=account, kind=kind, points=amount, now=_at(day))
            else:
                ledger.credit(account=account, kind=kind, points=amount, now=_at(day))
    if sold:
        sales.sales_report(
            actor=user,
            partner=partner,
            lines=[
                {
                    "invoice_number": invoice,
                    "invoice_date": day.isoformat(),
                    "end_customer": "Acme",
                    "sku": "SKU-L",
                    "quantity": str(quantity),
                    "amount": str(90 * quantity),
                    "currency": "EUR",
                }
                for invoice, day, quantity in sold
            ],
        )
    return partner


@pytest.fixture
def board():
    ProductFactory(sku="SKU-L")
    december = datetime.date(2026, 12, 2)
    contoso = _partner(
        "Contoso",
        points=[
            (EntryKind.BONUS, 40, december),
            (EntryKind.REDEEM, 30, december),  # spending is not earning
            (EntryKind.BONUS, 500, datetime.date(2026, 9, 1)),  # last quarter
        ],
        sold=[("C-1", december, 2)],
    )
    fabrikam = _partner("Fabrikam", points=[(EntryKind.ADJUST, 70, december)])
    northwind = _partner("Northwind", points=[(EntryKind.BONUS, 90, december)])
    Partner.objects.filter(pk=northwind.pk).update(tags=["gold"])
    return contoso, fabrikam, northwind


def _rows(rows):
    return [(row.name, row.points, row.sales, row.lines) for row in rows]


def test_the_quarter_ranks_by_points_earned_then_sales(board):
    _start, _end, rows = leaderboard.leaderboard(
        user=VendorUserFactory(), period="quarter", today=TODAY
    )
    assert _rows(rows) == [
        ("Northwind", 90, Decimal(0), 0),
        ("Contoso", 40, Decimal("180.0000"), 1),
    ]


def test_last_quarter_has_its_own_points(board):
    start, end, rows = leaderboard.leaderboard(
        user=VendorUserFactory(), period="last_quarter", today=TODAY
    )
    assert (start, end) == (datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))
    assert _rows(rows) == [("Contoso", 500, Decimal(0), 0)]


def test_an_audience_keeps_only_its_partners(board):
    gold = AudienceFactory(
        rule={"all": [{"field": "tags", "op": "any", "value": ["gold"]}]}
    )
    _start, _end, rows = leaderboard.leaderboard(
        user=VendorUserFactory(), period="quarter", audience=gold, today=TODAY
    )
    assert [row.name for row in rows] == ["Northwind"]


def test_a_channel_manager_sees_only_assigned_partners(board):
    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER)
    _start, _end, rows = leaderboard.leaderboard(
        user=manager, period="quarter", today=TODAY
    )
    assert rows == []


def test_the_api_answers_in_a_fixed_number_of_queries(
    client, board, django_assert_num_queries
):
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.ANALYST))
    with django_assert_num_queries(5):
        response = client.get("/api/v1/points/leaderboard?period=year", headers=headers)
    assert response.status_code == 200
    assert [row["partner"] for row in response.json()["rows"]] == [
        "Contoso",
        "Northwind",
    ]


def test_an_unknown_period_is_a_field_error(client):
    response = client.get(
        "/api/v1/points/leaderboard?period=decade",
        headers=bearer(VendorUserFactory()),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["period"]
