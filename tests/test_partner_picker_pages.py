"""Every page with a partner picker costs the same queries whatever the number of
partners: the picker holds only the chosen partner and searches on the server
(``core.pickers``, ``partners.pickers``)."""

import re

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

# (page, its query count: the same at 2 and at 50 partners; the session and the
# user are two of them)
CONSOLE_PAGES = [
    ("console:audit_list", "", 5),
    ("console:event_list", "", 5),
    ("console:pipeline", "", 7),
    ("console:lead_rule_create", "", 2),
    ("console:lead_capacity", "", 3),  # no partner has leads: no figures to read
    ("console:accrual_payouts", "", 5),
    ("console:incentive_sales", "", 4),  # reads its (empty) page of uploads
    ("console:incentive_sales_upload_create", "", 2),
    ("console:programme_enrol", "", 4),
    ("console:scheduled_report_create", "?kind=pipeline", 3),
]


def picker(html: str) -> str:
    """The partner picker's select in a page."""
    found = re.search(r"<select[^>]*data-search-url[^>]*>.*?</select>", html, re.S)
    assert found is not None
    return found.group(0)


def _more_partners(count: int, *, parent=None) -> None:
    for _number in range(count):
        PartnerFactory(parent=parent)


def _queries(client, url, django_assert_num_queries, expected: int) -> str:
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "query", "expected"), CONSOLE_PAGES)
def test_a_console_page_with_a_picker_costs_the_same_at_2_and_50_partners(
    client, django_assert_num_queries, name, query, expected
):
    PartnerFactory(name="Zeta Systems")
    PartnerFactory(name="Alpha Systems")
    client.force_login(VendorUserFactory())
    url = reverse(name) + query
    client.get(url)  # the session's and the caches' first reads

    html = _queries(client, url, django_assert_num_queries, expected)
    _more_partners(48)
    _queries(client, url, django_assert_num_queries, expected)
    assert picker(html).count("<option") == 1  # "Any partner" alone
    assert 'data-search-url="/console/partners/picker/"' in html


@pytest.mark.django_db
def test_a_chosen_partner_costs_one_query_to_check_and_show(
    client, django_assert_num_queries
):
    chosen = PartnerFactory(name="Zeta Systems")
    PartnerFactory(name="Alpha Systems")
    client.force_login(VendorUserFactory())
    url = f"{reverse('console:audit_list')}?partner={chosen.pk}"
    client.get(url)

    html = _queries(client, url, django_assert_num_queries, 6)
    _more_partners(48)
    _queries(client, url, django_assert_num_queries, 6)
    assert picker(html).count("<option") == 2
    assert f'<option value="{chosen.pk}" selected>Zeta Systems</option>' in html


@pytest.mark.django_db
def test_the_portal_pipeline_picker_costs_the_same_at_2_and_50_partners(
    client, django_assert_num_queries
):
    distributor = PartnerFactory(
        name="Northwind", partner_type="distributor", downstream_visibility=True
    )
    PartnerFactory(name="Zeta Resale", parent=distributor)
    client.force_login(partner_user(partner=distributor))
    url = reverse("portal:pipeline")
    client.get(url)

    # 7 since home17c: the roles and the scope come from the memberships the
    # portal's guard reads (core.permissions.reader_fact), not two reads more.
    html = _queries(client, url, django_assert_num_queries, 7)
    _more_partners(48, parent=distributor)
    _queries(client, url, django_assert_num_queries, 7)
    assert picker(html).count("<option") == 1
    assert 'data-search-url="/portal/partners/picker/"' in html
