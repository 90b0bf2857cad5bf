"""Every list page and endpoint of incentives reads a fixed number of queries,
whatever the number of rows (three of each here)."""

from decimal import Decimal

import pytest
from django.db import transaction

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.funds.tests.factories import budget
from openprm.incentives import ledger
from openprm.incentives.choices import EntryKind, RewardKind
from openprm.incentives.models import SalesUpload
from openprm.incentives.tests.factories import (
    EarningRuleFactory,
    ProductFactory,
    RewardFactory,
)
from openprm.programs.tests.test_api import bearer
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    for _n in range(3):
        partner = partner_user().memberships.get().partner
        holder = ledger.account_for(partner_id=partner.pk)
        with transaction.atomic():
            ledger.credit(account=holder, kind=EntryKind.BONUS, points=5)
        SalesUpload.objects.create(partner=partner, file_name="s.csv")
        EarningRuleFactory()
        RewardFactory()
        RewardFactory(
            kind=RewardKind.MDF,
            mdf_budget=budget(),
            mdf_amount=Decimal("50.00"),
            mdf_currency="EUR",
        )


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/console/incentives/rules/", 4),
        ("/console/incentives/sales/", 4),  # the picker lists no partner
        # With no orders the page still reads its (empty) page of them, keys first
        # (core.pagination.capped_page).
        ("/console/incentives/rewards/", 5),
    ],
)
def test_console_lists(client, rows, url, queries, django_assert_num_queries):
    client.force_login(VendorUserFactory())
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/products", 5),
        ("/api/v1/earning-rules", 4),
        ("/api/v1/points/accounts", 4),
        ("/api/v1/sales/lines", 4),
        ("/api/v1/sales/uploads", 4),
        ("/api/v1/rewards", 4),
        ("/api/v1/redemptions", 4),
    ],
)
def test_api_lists(client, rows, url, queries, django_assert_num_queries):
    headers = bearer(VendorUserFactory())
    with django_assert_num_queries(queries):
        assert client.get(url, headers=headers).status_code == 200


def test_product_list_api_prices_in_one_query(client, django_assert_num_queries):
    for _n in range(3):
        ProductFactory()
    headers = bearer(VendorUserFactory())
    # the token's two, then the count, the page and the prices
    with django_assert_num_queries(5):
        response = client.get("/api/v1/products", headers=headers)
    assert len(response.json()["items"]) == 3
