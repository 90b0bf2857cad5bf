"""The console's partner page (the partner 360): every app's section, in people's
words, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.console.tests.partner_360_data import add_rows, make_contoso
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def contoso():
    return make_contoso()


def page_url(partner) -> str:
    return reverse("console:partner_detail", kwargs={"public_id": partner.public_id})


def test_the_partner_page_shows_every_section_in_peoples_words(client, contoso):
    partner, programme = contoso
    add_rows(partner, programme, 1)
    client.force_login(VendorUserFactory())

    response = client.get(page_url(partner))

    page = response.content.decode()
    assert response.status_code == 200
    for key in (
        "programmes",
        "metrics",
        "deals",
        "leads",
        "users",
        "agreements",
        "journeys",
        "notifications",
        "accreditations",
    ):
        assert f'data-testid="section-{key}"' in page, key
    # The tier and its requirements with the partner's figures.
    assert 'data-testid="partner-tier">Gold<' in page
    assert "Certified people is 3: at least 2 is met." in page
    # Active users are people who signed in (the metrics rollups): none did here.
    assert "Active portal users is 0: at least 2 is not met." in page
    assert "Certified people is 3: at least 30 is not met." in page
    assert "not measured yet" not in page
    # Money in one format, choices and countries by name.
    assert "35,000.00 EUR" in page  # the open pipeline and the deal
    assert "35000" not in page
    assert "Managed service provider, System integrator" in page
    assert "Public sector" in page
    assert "Norway" in page
    assert "Accepted 100 % of the offers answered: 1 of 1" in page
    assert "Accepted by Ada 0" in page
    assert "Upload the tax form 0" in page
    assert "1 invitation waiting for an answer" in page


def test_the_partner_page_runs_the_same_queries_for_more_rows(client, contoso):
    partner, programme = contoso
    add_rows(partner, programme, 1)
    client.force_login(VendorUserFactory())
    client.get(page_url(partner))  # warm the session and the caches

    with CaptureQueriesContext(connection) as few:
        client.get(page_url(partner))
    add_rows(partner, programme, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page_url(partner))

    assert response.status_code == 200
    assert len(few) == len(many)
    # 41 today: the session and user, the partner and its profile parts, and a
    # fixed few per section (programmes 10: its own, the rollups' figures, the
    # certifications' two, the scorecard score; performance 2, health 1, deals 4,
    # leads 3, users 2, agreements 4, journeys 3, notifications 2,
    # certifications 3, scores), however many rows each has.
    assert len(many) <= 41, [query["sql"] for query in many.captured_queries]


def test_an_empty_partner_says_so_in_every_section(client):
    partner = PartnerFactory()
    client.force_login(VendorUserFactory())

    page = client.get(page_url(partner)).content.decode()

    assert "Not enrolled in a programme." in page
    assert "No deals registered yet." in page
    assert "No leads offered yet." in page
    assert "Nobody from this partner has a portal account yet." in page
    assert "No onboarding journey" in page
    assert "Nothing has been sent to this partner" in page


def test_a_partner_user_never_opens_the_console_partner_page(client, contoso):
    partner, _ = contoso
    client.force_login(partner_user(partner=partner))

    assert client.get(page_url(partner)).status_code in (403, 404)
