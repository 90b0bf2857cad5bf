from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.content.announcements import services
from openprm.content.announcements.selectors import (
    audience_memberships,
    audience_reach,
)
from openprm.content.choices import ActivityKind
from openprm.content.models import Announcement, AnnouncementReceipt, ContentActivity
from openprm.content.tests.factories import AnnouncementFactory, AudienceFactory
from openprm.core.errors import Conflict, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.notifications.models import Notification, OutgoingEmail
from openprm.notifications.services import notification_preference_set
from openprm.partners.choices import Region
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EMEA_RULE = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


@pytest.fixture
def marketing():
    return VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)


@pytest.fixture
def world():
    """Two EMEA partners with two users each and one North American partner."""
    alpha = PartnerFactory(name="Alpha EMEA", region=Region.EMEA)
    gamma = PartnerFactory(name="Gamma EMEA", region=Region.EMEA)
    beta = PartnerFactory(name="Beta NA", region=Region.NORTH_AMERICA, country="US")
    return {
        "alpha_admin": MembershipFactory(
            partner=alpha, user__email="admin@alpha.example"
        ),
        "alpha_sales": MembershipFactory(
            partner=alpha, user__email="sales@alpha.example", roles=["sales"]
        ),
        "gamma_admin": MembershipFactory(
            partner=gamma, user__email="admin@gamma.example"
        ),
        "beta_admin": MembershipFactory(partner=beta, user__email="admin@beta.example"),
        "audience": AudienceFactory(name="EMEA", rule=EMEA_RULE),
    }


def _create(actor, audience, **fields):
    values = {
        "title": "New price list",
        "body": "<p>Prices change on <strong>Monday</strong>.</p>",
        "audience": audience,
        "publish_at": timezone.now(),
        "requires_acknowledgement": True,
    }
    values.update(fields)
    return services.announcement_create(actor=actor, **values)


def test_a_required_announcement_reaches_its_audience_by_email_and_in_the_app(
    marketing, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement = _create(marketing, world["audience"])

    emea = ["admin@alpha.example", "admin@gamma.example", "sales@alpha.example"]
    assert sorted(message.to[0] for message in mail.outbox) == emea
    assert {message.subject for message in mail.outbox} == {"New price list"}
    assert "Prices change on Monday." in mail.outbox[0].body
    assert f"/portal/announcements/{announcement.public_id}/" in mail.outbox[0].body
    assert (
        sorted(
            Notification.objects.filter(
                kind=services.PUBLISHED_KIND, subject="New price list"
            ).values_list("recipient__email", flat=True)
        )
        == emea
    )
    announcement.refresh_from_db()
    assert announcement.notified_at is not None
    assert OutboxEvent.objects.filter(name="announcement.published").count() == 1


def test_an_announcement_goes_out_once(marketing, world):
    announcement = _create(marketing, world["audience"])

    services.announcement_update(
        actor=marketing, announcement=announcement, title="New price list (v2)"
    )
    services.announcement_publish(actor=marketing, announcement=announcement)

    assert services.announcements_announce_due() == 0
    assert Notification.objects.filter(kind=services.PUBLISHED_KIND).count() == 3
    assert OutboxEvent.objects.filter(name="announcement.published").count() == 1


def test_the_email_respects_the_readers_preference(marketing, world):
    notification_preference_set(
        user=world["alpha_sales"].user,
        kind=services.PUBLISHED_KIND,
        email_enabled=False,
    )

    _create(marketing, world["audience"])

    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "admin@alpha.example",
        "admin@gamma.example",
    ]
    assert Notification.objects.filter(recipient=world["alpha_sales"].user).count() == 1


def test_an_audience_of_roles_reaches_only_those_roles(marketing, world):
    audience = AudienceFactory(rule=EMEA_RULE, partner_roles=[PartnerRole.SALES])

    _create(marketing, audience)

    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [
        "sales@alpha.example"
    ]


def test_inactive_users_and_memberships_are_not_told(marketing, world):
    world["alpha_sales"].is_active = False
    world["alpha_sales"].save()
    world["gamma_admin"].user.is_active = False
    world["gamma_admin"].user.save()

    _create(marketing, world["audience"])

    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [
        "admin@alpha.example"
    ]


def test_a_scheduled_announcement_is_announced_by_the_sweep_when_it_goes_live(
    marketing, world
):
    later = timezone.now() + timedelta(hours=2)
    announcement = _create(marketing, world["audience"], publish_at=later)
    assert Notification.objects.count() == 0

    assert services.announcements_announce_due(now=later - timedelta(minutes=1)) == 0
    assert services.announcements_announce_due(now=later + timedelta(minutes=1)) == 1
    assert services.announcements_announce_due(now=later + timedelta(minutes=2)) == 0

    assert Notification.objects.count() == 3
    announcement.refresh_from_db()
    assert announcement.notified_at == later + timedelta(minutes=1)


def test_a_draft_is_not_announced(marketing, world):
    _create(marketing, world["audience"], publish_at=None)

    assert services.announcements_announce_due() == 0
    assert Notification.objects.count() == 0
    assert OutboxEvent.objects.filter(name="announcement.published").count() == 0


def test_an_announcement_without_notification_notifies_nobody(marketing, world):
    _create(marketing, world["audience"], sends_notification=False)

    assert Notification.objects.count() == 0
    assert OutboxEvent.objects.filter(name="announcement.published").count() == 1


def test_the_body_is_sanitised_on_saving(marketing, world):
    announcement = _create(
        marketing,
        world["audience"],
        body='<p onclick="x()">Hi<script>alert(1)</script></p>',
        publish_at=None,
    )

    assert Announcement.objects.get(pk=announcement.pk).body == "<p>Hi</p>"


def test_invalid_input_is_refused_by_field_and_nothing_is_written(marketing, world):
    now = timezone.now()
    audited = AuditEntry.objects.count()

    with pytest.raises(ValidationFailed) as refusal:
        _create(
            marketing,
            None,
            title=" ",
            body="<script>alert(1)</script>",
            publish_at=now,
            expires_at=now - timedelta(days=1),
        )

    assert set(refusal.value.field_errors) == {
        "title",
        "body",
        "audience",
        "expires_at",
    }
    assert Announcement.objects.count() == 0
    assert AuditEntry.objects.count() == audited


def test_partner_users_and_other_staff_cannot_write(world):
    audited = AuditEntry.objects.count()
    for actor in (
        world["alpha_admin"].user,
        VendorUserFactory(vendor_role=VendorRole.FINANCE),
    ):
        with pytest.raises(PermissionDenied):
            _create(actor, world["audience"])
    assert Announcement.objects.count() == 0
    assert AuditEntry.objects.count() == audited


def test_acknowledging_is_recorded_with_audit_event_and_activity(marketing, world):
    announcement = _create(marketing, world["audience"])
    member = world["alpha_sales"]

    receipt = services.announcement_acknowledge(
        actor=member.user, partner_id=member.partner_id, announcement=announcement
    )

    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None
    assert receipt.read_at == receipt.acknowledged_at
    assert receipt.partner_id == member.partner_id
    event = OutboxEvent.objects.get(name="announcement.acknowledged")
    assert event.partner_id == member.partner_id
    assert event.payload["announcement"] == str(announcement.public_id)
    assert AuditEntry.objects.filter(verb="announcement.acknowledged").count() == 1
    assert list(
        ContentActivity.objects.filter(announcement=announcement).values_list(
            "kind", flat=True
        )
    ) == [ActivityKind.ANNOUNCEMENT_ACKNOWLEDGED]


def test_acknowledging_twice_records_once(marketing, world):
    announcement = _create(marketing, world["audience"])
    member = world["alpha_admin"]

    for _ in range(2):
        services.announcement_acknowledge(
            actor=member.user, partner_id=member.partner_id, announcement=announcement
        )

    assert OutboxEvent.objects.filter(name="announcement.acknowledged").count() == 1
    assert AnnouncementReceipt.objects.count() == 1


def test_an_announcement_that_asks_for_none_cannot_be_acknowledged(marketing, world):
    announcement = _create(marketing, world["audience"], requires_acknowledgement=False)
    member = world["alpha_admin"]

    with pytest.raises(Conflict):
        services.announcement_acknowledge(
            actor=member.user, partner_id=member.partner_id, announcement=announcement
        )
    assert AnnouncementReceipt.objects.count() == 0


def test_reading_is_recorded_once(marketing, world):
    announcement = _create(marketing, world["audience"])
    member = world["alpha_admin"]

    for _ in range(2):
        services.announcement_read(
            actor=member.user, partner_id=member.partner_id, announcement=announcement
        )

    receipt = AnnouncementReceipt.objects.get()
    assert receipt.read_at is not None
    assert receipt.acknowledged_at is None
    assert (
        ContentActivity.objects.filter(kind=ActivityKind.ANNOUNCEMENT_READ).count() == 1
    )


def test_the_reminder_sweep_reminds_only_those_who_have_not_acknowledged(
    marketing, world, settings, django_capture_on_commit_callbacks
):
    settings.OPENPRM_ANNOUNCEMENT_REMINDER_DAYS = 3
    announcement = _create(marketing, world["audience"])
    acknowledging = world["alpha_admin"]
    services.announcement_acknowledge(
        actor=acknowledging.user,
        partner_id=acknowledging.partner_id,
        announcement=announcement,
    )
    reading = world["gamma_admin"]
    services.announcement_read(
        actor=reading.user, partner_id=reading.partner_id, announcement=announcement
    )
    mail.outbox.clear()
    now = timezone.now()

    assert services.announcements_remind(now=now + timedelta(days=2)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announcements_remind(now=now + timedelta(days=3, hours=1)) == 2

    assert sorted(message.to[0] for message in mail.outbox) == [
        "admin@gamma.example",
        "sales@alpha.example",
    ]
    assert {message.subject for message in mail.outbox} == {"Reminder: New price list"}
    assert sorted(
        Notification.objects.filter(kind=services.REMINDER_KIND).values_list(
            "recipient__email", flat=True
        )
    ) == ["admin@gamma.example", "sales@alpha.example"]
    assert AnnouncementReceipt.objects.filter(reminded_at__isnull=False).count() == 2


def test_a_reader_is_reminded_once_per_period(marketing, world, settings):
    settings.OPENPRM_ANNOUNCEMENT_REMINDER_DAYS = 3
    _create(marketing, world["audience"])
    now = timezone.now()

    assert services.announcements_remind(now=now + timedelta(days=3, hours=1)) == 3
    assert services.announcements_remind(now=now + timedelta(days=4)) == 0
    assert services.announcements_remind(now=now + timedelta(days=6, hours=2)) == 3
    assert Notification.objects.filter(kind=services.REMINDER_KIND).count() == 6


def test_no_reminder_for_an_expired_or_optional_announcement(
    marketing, world, settings
):
    settings.OPENPRM_ANNOUNCEMENT_REMINDER_DAYS = 3
    now = timezone.now()
    _create(marketing, world["audience"], expires_at=now + timedelta(days=2))
    _create(marketing, world["audience"], requires_acknowledgement=False)

    assert services.announcements_remind(now=now + timedelta(days=4)) == 0


def test_reach_counts_the_partners_and_users_of_each_audience_in_one_query(
    world, django_assert_num_queries
):
    everyone = AudienceFactory(rule={"all": []})
    sales = AudienceFactory(rule=EMEA_RULE, partner_roles=[PartnerRole.SALES])

    # the custom field types, then one aggregate over memberships
    with django_assert_num_queries(2):
        reach = audience_reach([world["audience"], everyone, sales])

    assert (
        reach[world["audience"].pk].partners,
        reach[world["audience"].pk].users,
    ) == (
        2,
        3,
    )
    assert (reach[everyone.pk].partners, reach[everyone.pk].users) == (3, 4)
    assert (reach[sales.pk].partners, reach[sales.pk].users) == (1, 1)
    assert audience_memberships(sales).get() == world["alpha_sales"]


def test_a_switched_off_audience_reaches_nobody(world):
    world["audience"].is_active = False

    assert list(audience_memberships(world["audience"])) == []
    assert AnnouncementFactory(audience=world["audience"]).notified_at is None
