from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.content.announcements import services
from openprm.content.models import Announcement, AnnouncementReceipt
from openprm.content.tests.factories import (
    AnnouncementFactory,
    AnnouncementReceiptFactory,
    AudienceFactory,
)
from openprm.core.models import OutboxEvent
from openprm.partners.choices import Region
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EMEA_RULE = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


@pytest.fixture
def emea():
    return AudienceFactory(name="EMEA partners", rule=EMEA_RULE)


@pytest.fixture
def member():
    return MembershipFactory(partner=PartnerFactory(name="Alpha", region=Region.EMEA))


@pytest.fixture
def outsider():
    partner = PartnerFactory(name="Beta", region=Region.NORTH_AMERICA, country="US")
    return MembershipFactory(partner=partner)


@pytest.fixture
def marketing():
    return VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)


# --- console


def test_marketing_writes_an_announcement_through_the_form(client, marketing, emea):
    client.force_login(marketing)

    response = client.post(
        "/console/announcements/new/",
        {
            "title": "Summer promotion",
            "body": "<p>Up to <em>20 %</em> off.</p><script>alert(1)</script>",
            "audience": str(emea.public_id),
            "publish_at": "",
            "expires_at": "",
            "requires_acknowledgement": "on",
            "sends_notification": "on",
        },
    )

    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/announcements/{announcement.public_id}/"
    assert announcement.body == "<p>Up to <em>20 %</em> off.</p>"
    assert announcement.requires_acknowledgement is True
    assert announcement.publish_at is None
    assert announcement.author == marketing


def test_the_form_shows_the_services_refusals_on_their_fields(client, marketing, emea):
    client.force_login(marketing)

    response = client.post(
        "/console/announcements/new/",
        {
            "title": "Empty",
            "body": "<script>alert(1)</script>",
            "audience": str(emea.public_id),
            "publish_at": "2030-01-02T10:00",
            "expires_at": "2030-01-01T10:00",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-body"' in page
    assert 'data-testid="error-expires_at"' in page
    assert Announcement.objects.count() == 0


def test_editing_and_publishing_from_the_console(client, marketing, emea, member):
    announcement = AnnouncementFactory(audience=emea, publish_at=None)
    client.force_login(marketing)

    response = client.post(
        f"/console/announcements/{announcement.public_id}/edit/",
        {
            "title": "Changed",
            "body": "<p>Changed</p>",
            "audience": str(emea.public_id),
            "sends_notification": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(f"/console/announcements/{announcement.public_id}/publish/")

    announcement.refresh_from_db()
    assert response.status_code == 302
    assert announcement.title == "Changed"
    assert announcement.publish_at is not None
    assert announcement.notified_at is not None
    assert OutboxEvent.objects.filter(name="announcement.published").count() == 1


def test_the_console_list_shows_status_reach_and_counts_in_fixed_queries(
    client, marketing, emea, member, outsider, django_assert_num_queries
):
    now = timezone.now()
    live = AnnouncementFactory(
        audience=emea, title="Live one", requires_acknowledgement=True
    )
    AnnouncementFactory(audience=emea, title="Draft one", publish_at=None)
    AnnouncementFactory(title="Later", publish_at=now + timedelta(days=1))
    AnnouncementFactory(
        title="Gone", publish_at=now - timedelta(days=3), expires_at=now
    )
    AnnouncementReceiptFactory(
        announcement=live,
        user=member.user,
        partner=member.partner,
        read_at=now,
        acknowledged_at=now,
    )
    client.force_login(marketing)
    client.get("/console/announcements/")  # warm the session and the navigation

    # session, user, the count and the page of announcements (with their receipt
    # counts), custom field types, reach
    with django_assert_num_queries(6):
        response = client.get("/console/announcements/")

    rows = {row["announcement"].title: row for row in response.context["rows"]}
    assert {title: row["status"] for title, row in rows.items()} == {
        "Live one": "live",
        "Draft one": "draft",
        "Later": "scheduled",
        "Gone": "expired",
    }
    assert (rows["Live one"]["reach"].partners, rows["Live one"]["reach"].users) == (
        1,
        1,
    )
    assert rows["Later"]["reach"].users == 2
    assert rows["Live one"]["announcement"].read_count == 1
    assert rows["Live one"]["announcement"].acknowledged_count == 1
    filtered = client.get("/console/announcements/?status=draft")
    assert [row["announcement"].title for row in filtered.context["rows"]] == [
        "Draft one"
    ]


def test_the_console_detail_lists_who_has_not_acknowledged_by_partner(
    client, marketing, emea, member
):
    colleague = MembershipFactory(partner=member.partner, user__email="late@a.example")
    announcement = AnnouncementFactory(audience=emea, requires_acknowledgement=True)
    services.announcement_acknowledge(
        actor=member.user, partner_id=member.partner_id, announcement=announcement
    )
    client.force_login(VendorUserFactory(vendor_role=VendorRole.ANALYST))

    response = client.get(f"/console/announcements/{announcement.public_id}/")

    [row] = response.context["progress"]
    assert (row.partner.name, row.users, row.read, row.acknowledged) == (
        "Alpha",
        2,
        1,
        1,
    )
    assert row.pending == [colleague.user]
    assert "late@a.example" in response.content.decode()


# --- portal


def test_the_portal_list_shows_the_readers_live_announcements_pinned_first(
    client, emea, member, django_assert_num_queries
):
    now = timezone.now()
    AnnouncementFactory(audience=emea, title="Old", publish_at=now - timedelta(days=2))
    AnnouncementFactory(
        audience=emea, title="Pinned", is_pinned=True, publish_at=now - timedelta(3)
    )
    AnnouncementFactory(audience=emea, title="New", publish_at=now - timedelta(hours=1))
    AnnouncementFactory(audience=emea, title="Draft", publish_at=None)
    AnnouncementFactory(audience=emea, title="Expired", expires_at=now)
    AnnouncementFactory(audience=AudienceFactory(rule={"not": EMEA_RULE}), title="NA")
    client.force_login(member.user)
    client.get("/portal/announcements/")

    # session, user, membership; audiences, custom field types, the partner's row;
    # the count and the page of announcements
    with django_assert_num_queries(8):
        response = client.get("/portal/announcements/")

    assert [item.title for item in response.context["announcements"]] == [
        "Pinned",
        "New",
        "Old",
    ]
    assert response.context["announcements"][0].excerpt == (
        "Our new price list applies from Monday."
    )


def test_opening_an_announcement_marks_it_read(client, emea, member):
    announcement = AnnouncementFactory(audience=emea)
    client.force_login(member.user)

    response = client.get(f"/portal/announcements/{announcement.public_id}/")

    assert response.status_code == 200
    receipt = AnnouncementReceipt.objects.get()
    assert (receipt.user, receipt.partner, receipt.acknowledged_at) == (
        member.user,
        member.partner,
        None,
    )
    assert receipt.read_at is not None
    assert 'data-testid="acknowledge"' not in response.content.decode()


def test_out_of_audience_and_not_live_announcements_are_not_found(
    client, emea, outsider, member
):
    theirs = AnnouncementFactory(audience=emea)
    draft = AnnouncementFactory(audience=emea, publish_at=None)
    expired = AnnouncementFactory(audience=emea, expires_at=timezone.now())

    client.force_login(outsider.user)
    assert client.get(f"/portal/announcements/{theirs.public_id}/").status_code == 404
    assert (
        client.post(
            f"/portal/announcements/{theirs.public_id}/acknowledge/"
        ).status_code
        == 404
    )
    client.force_login(member.user)
    for hidden in (draft, expired):
        url = f"/portal/announcements/{hidden.public_id}/"
        assert client.get(url).status_code == 404
    assert AnnouncementReceipt.objects.count() == 0


def test_acknowledging_in_the_portal(client, emea, member):
    announcement = AnnouncementFactory(audience=emea, requires_acknowledgement=True)
    client.force_login(member.user)
    page = client.get(f"/portal/announcements/{announcement.public_id}/")
    assert 'data-testid="acknowledge"' in page.content.decode()

    response = client.post(
        f"/portal/announcements/{announcement.public_id}/acknowledge/", follow=True
    )

    assert response.status_code == 200
    assert 'data-testid="acknowledged"' in response.content.decode()
    assert AnnouncementReceipt.objects.get().acknowledged_at is not None
    assert OutboxEvent.objects.filter(name="announcement.acknowledged").count() == 1


def test_a_script_written_in_the_body_never_reaches_the_page(
    client, marketing, emea, member
):
    announcement = services.announcement_create(
        actor=marketing,
        title="<b>Title</b>",
        body=(
            '<p>Hello <a href="javascript:alert(1)">click</a></p>'
            '<img src="x" onerror="alert(2)"><script>alert(3)</script>'
        ),
        audience=emea,
        publish_at=timezone.now(),
    )
    client.force_login(member.user)

    page = client.get(f"/portal/announcements/{announcement.public_id}/")

    html = page.content.decode()
    assert "<p>Hello <a rel=" in html
    assert "alert(" not in html
    assert "<b>Title</b>" not in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html


def test_the_portal_home_shows_the_newest_three_with_required_ones_first(
    client, emea, member, django_assert_num_queries
):
    now = timezone.now()
    AnnouncementFactory(
        audience=emea,
        title="Must read",
        requires_acknowledgement=True,
        publish_at=now - timedelta(days=5),
    )
    for day in range(1, 5):
        AnnouncementFactory(
            audience=emea, title=f"News {day}", publish_at=now - timedelta(days=day)
        )
    client.force_login(member.user)
    client.get("/portal/")

    # session, user, membership (the roles and scopes come from it); the work
    # list and activity (14, pinned by the portal's own tests); audiences, custom
    # field types, the partner's row; the announcements; what the partner has
    # earned (won revenue, points, funds 1 and discount; the funds' allocations
    # are the work list's, pinned by portal/tests/test_home_earned.py)
    with django_assert_num_queries(24):
        response = client.get("/portal/")

    assert [item.title for item in response.context["home_announcements"]] == [
        "Must read",
        "News 1",
        "News 2",
    ]
    assert response.content.decode().count('data-testid="needs-acknowledgement"') == 1


def test_the_portal_list_is_paged(client, emea, member):
    now = timezone.now()
    for minutes in range(21):
        AnnouncementFactory(
            audience=emea,
            title=f"News {minutes:02d}",
            publish_at=now - timedelta(minutes=minutes),
        )
    client.force_login(member.user)

    first = client.get("/portal/announcements/")
    second = client.get("/portal/announcements/?page=2")

    assert len(first.context["announcements"]) == 20
    assert [item.title for item in second.context["announcements"]] == ["News 20"]
