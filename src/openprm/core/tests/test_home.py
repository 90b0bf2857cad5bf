import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.tenancy.tests.factories import partner_user


@pytest.mark.django_db
def test_home_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/")

    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.django_db
def test_home_sends_vendor_staff_to_the_console(client):
    client.force_login(VendorUserFactory())

    assert client.get("/")["Location"] == "/console/"


@pytest.mark.django_db
def test_home_sends_partner_users_to_the_portal(client):
    client.force_login(partner_user())

    assert client.get("/")["Location"] == "/portal/"


@pytest.mark.django_db
def test_each_area_shows_its_own_navigation(client):
    client.force_login(VendorUserFactory())
    console = client.get("/console/").content.decode()
    client.force_login(partner_user())
    portal = client.get("/portal/").content.decode()

    assert 'data-testid="console-nav"' in console
    assert 'href="/console/partners/"' in console
    assert 'data-testid="portal-nav"' in portal
    assert "/console/" not in portal


def test_datetimes_show_a_24_hour_time_with_minutes():
    from datetime import datetime

    from django.template import Context, Template

    rendered = Template("{{ when|date:'SHORT_DATETIME_FORMAT' }}").render(
        Context({"when": datetime(2026, 11, 26, 18, 5)})
    )

    assert rendered == "2026-11-26 18:05"
