"""The incentives lists at scale (issue 21): each page takes the same queries for
2 rows as for 30, and counts up to a cap ("more than")."""

import pytest
from django.db import transaction
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.incentives import ledger
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import SalesUpload
from openprm.incentives.tests.factories import EarningRuleFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _credits(partner, rows: int):
    account = ledger.account_for(partner_id=partner.pk)
    for _ in range(rows):
        with transaction.atomic():
            ledger.credit(account=account, kind=EntryKind.BONUS, points=5)
    return account


def _console(client, url: str):
    client.force_login(VendorUserFactory())
    client.get(url)
    return url


def _uploads(client, rows: int) -> str:
    partner = PartnerFactory()
    for _ in range(rows):
        SalesUpload.objects.create(partner=partner, file_name="sales.csv")
    return _console(client, reverse("console:incentive_sales"))


def _rules(client, rows: int) -> str:
    for _ in range(rows):
        EarningRuleFactory()
    return _console(client, reverse("console:incentive_rules"))


def _ledgers(client, rows: int) -> str:
    for _ in range(rows):
        ledger.account_for(partner_id=PartnerFactory().pk)
    return _console(client, reverse("console:incentive_accounts"))


def _entries(client, rows: int) -> str:
    account = _credits(PartnerFactory(), rows)
    url = reverse("console:incentive_account", args=[account.public_id])
    return _console(client, url)


def _earnings(client, rows: int) -> str:
    user = partner_user()
    _credits(user.memberships.get().partner, rows)
    client.force_login(user)
    url = reverse("portal:earnings")
    client.get(url)
    return url


@pytest.mark.parametrize(
    ("pages", "queries"),
    [(_uploads, 4), (_rules, 4), (_ledgers, 4), (_entries, 8), (_earnings, 9)],
)
@pytest.mark.parametrize("rows", [2, 30])
def test_each_list_takes_the_same_queries_for_any_number_of_rows(
    client, assert_list_queries, pages, queries, rows
):
    url = pages(client, rows)

    assert_list_queries(url, queries=queries, shown=min(rows, 50))


@pytest.mark.parametrize("pages", [_uploads, _entries, _earnings])
def test_each_list_counts_up_to_a_cap(assert_count_capped, pages):
    assert_count_capped(
        per_page="openprm.incentives.views.PER_PAGE",
        make_list=pages,
    )


def test_the_portal_earnings_without_a_ledger_read_no_entries(client):
    user = partner_user()
    client.force_login(user)
    client.get(reverse("portal:earnings"))

    response = client.get(reverse("portal:earnings"))

    assert list(response.context["page"].object_list) == []
    assert response.context["page"].paginator.count == 0
