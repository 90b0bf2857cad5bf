"""The incentives API."""

import pytest
from django.db import transaction

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.incentives import ledger, rewards
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import Product
from openprm.incentives.tests.factories import (
    EarningRuleFactory,
    ProductFactory,
    RewardFactory,
)
from openprm.programs.tests.test_api import bearer
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def test_a_product_is_upserted_by_sku_idempotently(client):
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    body = {"sku": "X", "name": "Box", "prices": {"USD": "10.5"}}
    first = client.put(
        "/api/v1/products/P-9", body, content_type="application/json", headers=headers
    )
    again = client.put(
        "/api/v1/products/P-9", body, content_type="application/json", headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["prices"] == {"USD": "10.50"}
    assert Product.objects.get().sku == "P-9"


def test_a_bad_price_is_a_field_error(client):
    headers = bearer(VendorUserFactory())
    response = client.put(
        "/api/v1/products/P-9",
        {"sku": "P-9", "name": "Box", "prices": {"ZZZ": "1"}},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Product.objects.count() == 0


def test_a_partner_reports_sales_and_reads_its_ledger(
    client, django_assert_num_queries
):
    ProductFactory(sku="SKU-A")
    EarningRuleFactory(product=Product.objects.get(), name="Per box")
    user = partner_user(roles=[PartnerRole.SALES])
    headers = bearer(user)
    response = client.post(
        "/api/v1/sales",
        {
            "lines": [
                {
                    "invoice_number": "A1",
                    "invoice_date": "2026-01-05",
                    "end_customer": "Acme",
                    "sku": "SKU-A",
                    "quantity": "3",
                    "amount": "300",
                    "currency": "USD",
                },
                {
                    "invoice_number": "A2",
                    "invoice_date": "2026-01-05",
                    "end_customer": "Acme",
                    "sku": "NOPE",
                    "quantity": "1",
                    "amount": "1",
                    "currency": "USD",
                },
            ]
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["imported"], report["not_imported"], report["points"]) == (1, 1, 30)
    errors = [i for i in report["issues"] if i["level"] == "error"]
    assert [(i["row"], i["column"]) for i in errors] == [(2, "sku")]
    accounts = client.get("/api/v1/points/accounts", headers=headers).json()
    assert [item["balance"] for item in accounts["items"]] == [30]
    account_id = accounts["items"][0]["id"]
    # token and user, scope; account; count, page
    with django_assert_num_queries(5):
        entries = client.get(
            f"/api/v1/points/accounts/{account_id}/entries", headers=headers
        ).json()
    assert [(e["points"], e["rule"]) for e in entries["items"]] == [(30, "Per box")]


def test_an_adjustment_beyond_the_balance_is_a_field_error(client):
    partner = partner_user().memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        ledger.credit(account=account, kind=EntryKind.BONUS, points=3)
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.FINANCE))
    response = client.post(
        f"/api/v1/points/accounts/{account.public_id}/adjustments",
        {"points": -4, "reason": "Typo"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert ledger.balance_of(account) == 3


def test_the_ledger_detail_answers_balance_pending_and_expiring(
    client, settings, django_assert_num_queries
):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 0
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        ledger.credit(account=account, kind=EntryKind.BONUS, points=500)
    rewards.redemption_order_place(
        actor=user,
        partner_id=partner.pk,
        reward=RewardFactory(points_price=120, stock=None),
    )
    headers = bearer(user)
    # token and user, its last use, scope; account; expiring, balance, pending
    with django_assert_num_queries(7):
        answer = client.get(
            f"/api/v1/points/accounts/{account.public_id}", headers=headers
        ).json()
    assert (answer["balance"], answer["pending"], answer["expiring"]) == (380, 120, 0)
