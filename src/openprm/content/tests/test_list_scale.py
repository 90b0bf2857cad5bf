"""The announcement lists and the console library at scale (issue 21): each takes
the same queries for 2 rows as for 30, and counts up to a cap ("more than")."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.content.announcements import views as announcement_views
from openprm.content.library import views as library_views
from openprm.content.tests.factories import (
    AnnouncementFactory,
    AssetFactory,
    AudienceFactory,
)
from openprm.partners.choices import Region
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ANNOUNCEMENT_VIEWS = "openprm.content.announcements.views"
EMEA_RULE = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def _announcements(rows: int):
    audience = AudienceFactory(name="EMEA partners", rule=EMEA_RULE)
    now = timezone.now()
    for number in range(rows):
        AnnouncementFactory(audience=audience, publish_at=now - timedelta(hours=number))


def _console_announcements(client, rows: int) -> str:
    _announcements(rows)
    client.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    url = reverse("console:announcements")
    client.get(url)
    return url


def _portal_announcements(client, rows: int) -> str:
    _announcements(rows)
    member = MembershipFactory(partner=PartnerFactory(region=Region.EMEA))
    client.force_login(member.user)
    url = reverse("portal:announcements")
    client.get(url)
    return url


def _library(client, rows: int) -> str:
    for _ in range(rows):
        AssetFactory()
    client.force_login(VendorUserFactory())
    url = reverse("console:library")
    client.get(url)
    return url


@pytest.mark.parametrize(
    ("pages", "queries", "per_page"),
    [
        (_console_announcements, 6, announcement_views.CONSOLE_PER_PAGE),
        (_portal_announcements, 8, announcement_views.PORTAL_PER_PAGE),
        (_library, 6, library_views.PER_PAGE),
    ],
)
@pytest.mark.parametrize("rows", [2, 30])
def test_each_list_takes_the_same_queries_for_any_number_of_rows(
    client, assert_list_queries, pages, queries, per_page, rows
):
    url = pages(client, rows)

    assert_list_queries(url, queries=queries, shown=min(rows, per_page))


@pytest.mark.parametrize(
    ("pages", "per_page"),
    [
        (_console_announcements, f"{ANNOUNCEMENT_VIEWS}.CONSOLE_PER_PAGE"),
        (_portal_announcements, f"{ANNOUNCEMENT_VIEWS}.PORTAL_PER_PAGE"),
        (_library, "openprm.content.library.views.PER_PAGE"),
    ],
)
def test_each_list_counts_up_to_a_cap(assert_count_capped, pages, per_page):
    assert_count_capped(per_page=per_page, make_list=pages)


def test_the_audience_explanation_counts_what_a_partner_sees_up_to_a_cap(
    client, monkeypatch
):
    monkeypatch.setattr("openprm.segments.audiences.selectors.ITEMS_SHOWN", 2)
    monkeypatch.setattr("openprm.segments.audiences.selectors.COUNT_CAP", 3)
    partner = PartnerFactory(name="Acme Reseller", region=Region.EMEA)
    _announcements(5)
    client.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))

    response = client.get(
        reverse("console:audience_explain"), {"partner": str(partner.public_id)}
    )

    [group] = [
        group
        for group in response.context["explanation"].groups
        if group.key == "content.announcement"
    ]
    assert (group.total, group.is_capped) == (4, True)
    assert "The first 2 of more than 3." in strip_tags(response.content.decode())
