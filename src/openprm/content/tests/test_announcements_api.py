from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.content.models import Announcement, AnnouncementReceipt
from openprm.content.tests.factories import (
    AnnouncementFactory,
    AnnouncementReceiptFactory,
    AudienceFactory,
)
from openprm.core.models import OutboxEvent
from openprm.notifications.models import Notification
from openprm.partners.choices import Region
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/announcements"
EMEA_RULE = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def emea():
    return AudienceFactory(name="EMEA partners", rule=EMEA_RULE)


@pytest.fixture
def member():
    return MembershipFactory(
        partner=PartnerFactory(name="Alpha", region=Region.EMEA),
        user__email="ada@alpha.example",
    )


@pytest.fixture
def outsider():
    partner = PartnerFactory(name="Beta", region=Region.NORTH_AMERICA, country="US")
    return MembershipFactory(partner=partner)


@pytest.fixture
def marketing_headers():
    return bearer(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))


def test_marketing_publishes_a_required_announcement_that_reaches_its_audience(
    client,
    marketing_headers,
    emea,
    member,
    outsider,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                "title": "Quarterly targets",
                "body": "<p>Read <em>this</em>.</p><script>x()</script>",
                "audience": str(emea.public_id),
                "publish_at": timezone.now().isoformat(),
                "requires_acknowledgement": True,
            },
            content_type="application/json",
            headers=marketing_headers,
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["body"] == "<p>Read <em>this</em>.</p>"
    assert body["status"] == "live"
    assert body["audience_name"] == "EMEA partners"
    assert body["notified_at"] is not None
    assert [message.to for message in mail.outbox] == [["ada@alpha.example"]]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [
        member.user_id
    ]


def test_invalid_input_is_refused_field_by_field(client, marketing_headers, emea):
    response = client.post(
        URL,
        {
            "title": "",
            "body": "<style>p{}</style>",
            "audience": str(AudienceFactory(is_active=False).public_id),
        },
        content_type="application/json",
        headers=marketing_headers,
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert {error["field"] for error in response.json()["errors"]} == {
        "title",
        "body",
        "audience",
    }
    assert Announcement.objects.count() == 0


def test_an_unknown_field_is_refused(client, marketing_headers, emea):
    response = client.post(
        URL,
        {"title": "x", "body": "<p>x</p>", "audience": str(emea.public_id), "x": 1},
        content_type="application/json",
        headers=marketing_headers,
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["x"]


def test_update_and_publish(client, marketing_headers, emea, member):
    announcement = AnnouncementFactory(audience=emea, publish_at=None)

    response = client.patch(
        f"{URL}/{announcement.public_id}",
        {"title": "Renamed", "is_pinned": True},
        content_type="application/json",
        headers=marketing_headers,
    )
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["status"]) == (
        "Renamed",
        "draft",
    )
    response = client.post(
        f"{URL}/{announcement.public_id}/publish", headers=marketing_headers
    )

    assert response.status_code == 200
    assert response.json()["status"] == "live"
    assert Notification.objects.count() == 1


def test_a_null_title_is_refused(client, marketing_headers, emea):
    announcement = AnnouncementFactory(audience=emea)

    response = client.patch(
        f"{URL}/{announcement.public_id}",
        {"title": None, "sends_notification": None, "expires_at": None},
        content_type="application/json",
        headers=marketing_headers,
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [
        "sends_notification",
        "title",
    ]


def test_a_partner_user_lists_only_their_live_announcements_in_fixed_queries(
    client, emea, member, django_assert_num_queries
):
    now = timezone.now()
    for day in range(3):
        AnnouncementFactory(
            audience=emea, title=f"News {day}", publish_at=now - timedelta(days=day)
        )
    AnnouncementFactory(audience=AudienceFactory(rule={"not": EMEA_RULE}))
    AnnouncementFactory(audience=emea, publish_at=None)
    headers = bearer(member.user)
    client.get(URL, headers=headers)

    # token and user, memberships; audiences, custom field types, the partner's row;
    # the page and its count
    with django_assert_num_queries(7):
        response = client.get(URL, headers=headers)

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == [
        "News 0",
        "News 1",
        "News 2",
    ]
    assert response.json()["count"] == 3


def test_vendor_staff_list_every_announcement_with_counts(
    client, emea, member, django_assert_num_queries
):
    announcement = AnnouncementFactory(audience=emea, requires_acknowledgement=True)
    AnnouncementFactory(audience=emea, publish_at=None)
    AnnouncementReceiptFactory(
        announcement=announcement,
        user=member.user,
        partner=member.partner,
        read_at=timezone.now(),
    )
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.ANALYST))
    client.get(URL, headers=headers)

    # token and user, the page, its count
    with django_assert_num_queries(3):
        response = client.get(URL, headers=headers)

    items = response.json()["items"]
    assert [item["status"] for item in items] == ["draft", "live"]
    assert (items[1]["read_count"], items[1]["acknowledged_count"]) == (1, 0)


def test_out_of_audience_is_not_found(client, emea, outsider):
    announcement = AnnouncementFactory(audience=emea, requires_acknowledgement=True)
    headers = bearer(outsider.user)

    assert (
        client.get(f"{URL}/{announcement.public_id}", headers=headers).status_code
        == 404
    )
    response = client.post(
        f"{URL}/{announcement.public_id}/acknowledge",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    assert AnnouncementReceipt.objects.count() == 0


def test_a_partner_user_reads_for_another_of_their_organisations(
    client, emea, outsider
):
    emea_member = MembershipFactory(
        user=outsider.user, partner=PartnerFactory(name="Zeta", region=Region.EMEA)
    )
    announcement = AnnouncementFactory(audience=emea)
    headers = bearer(outsider.user)
    url = f"{URL}/{announcement.public_id}"

    assert client.get(url, headers=headers).status_code == 404
    assert (
        client.get(
            f"{url}?partner={emea_member.partner_id}", headers=headers
        ).status_code
        == 200
    )
    stranger = PartnerFactory()
    assert client.get(f"{url}?partner={stranger.pk}", headers=headers).status_code == (
        404
    )


def test_a_partner_user_acknowledges(client, emea, member):
    announcement = AnnouncementFactory(audience=emea, requires_acknowledgement=True)

    response = client.post(
        f"{URL}/{announcement.public_id}/acknowledge",
        {},
        content_type="application/json",
        headers=bearer(member.user),
    )

    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_at"] is not None
    receipt = AnnouncementReceipt.objects.get()
    assert (receipt.user, receipt.partner) == (member.user, member.partner)
    assert OutboxEvent.objects.filter(name="announcement.acknowledged").count() == 1


def test_acknowledging_one_that_asks_for_none_is_a_conflict(client, emea, member):
    announcement = AnnouncementFactory(audience=emea)

    response = client.post(
        f"{URL}/{announcement.public_id}/acknowledge",
        {},
        content_type="application/json",
        headers=bearer(member.user),
    )

    assert response.status_code == 409


def test_managers_list_the_receipts(client, emea, member, django_assert_num_queries):
    announcement = AnnouncementFactory(audience=emea, requires_acknowledgement=True)
    for _ in range(3):
        other = MembershipFactory(partner=member.partner)
        AnnouncementReceiptFactory(
            announcement=announcement,
            user=other.user,
            partner=member.partner,
            read_at=timezone.now(),
        )
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    client.get(f"{URL}/{announcement.public_id}/receipts", headers=headers)

    # token and user, the announcement, the page, its count
    with django_assert_num_queries(4):
        response = client.get(
            f"{URL}/{announcement.public_id}/receipts", headers=headers
        )

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert {item["partner_name"] for item in response.json()["items"]} == {"Alpha"}
