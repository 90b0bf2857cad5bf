"""The issue's promise end to end, without a browser: a required announcement
reaches its audience by email (read from a real SMTP server) and in the
notification centre; acknowledging is recorded; the reminder sweep, run by the
worker's task, reminds only those who have not acknowledged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.content.announcements import services, tasks
from openprm.content.models import Announcement, AnnouncementReceipt
from openprm.content.tests.factories import AudienceFactory
from openprm.core import sweeps
from openprm.partners.choices import Region
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory
from openprm.testing.smtp import body_text

pytestmark = pytest.mark.django_db

EMEA_RULE = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def test_a_required_announcement_from_publishing_to_reminder(
    client, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.OPENPRM_SITE_URL = "https://prm.example.com"
    settings.OPENPRM_ANNOUNCEMENT_REMINDER_DAYS = 3
    emea = PartnerFactory(name="Contoso", region=Region.EMEA)
    ada = MembershipFactory(partner=emea, user__email="ada@contoso.example")
    bob = MembershipFactory(partner=emea, user__email="bob@contoso.example")
    MembershipFactory(
        partner=PartnerFactory(name="Fabrikam", region=Region.NORTH_AMERICA),
        user__email="pat@fabrikam.example",
    )
    marketing = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    client.force_login(marketing)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/console/announcements/new/",
            {
                "title": "New price list",
                "body": "<p>Prices change on <strong>Monday</strong>.</p>",
                "audience": str(AudienceFactory(rule=EMEA_RULE).public_id),
                "publish_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "requires_acknowledgement": "on",
                "sends_notification": "on",
            },
        )

    announcement = Announcement.objects.get()
    link = f"https://prm.example.com/portal/announcements/{announcement.public_id}/"
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "ada@contoso.example",
        "bob@contoso.example",
    ]
    [message] = smtp_server.to("ada@contoso.example")
    assert message["Subject"] == "New price list"
    assert "Prices change on Monday." in body_text(message)
    assert link in body_text(message)

    client.force_login(ada.user)
    centre = client.get("/portal/notifications/").content.decode()
    assert "New price list" in centre
    client.get(f"/portal/announcements/{announcement.public_id}/")
    client.post(f"/portal/announcements/{announcement.public_id}/acknowledge/")
    receipt = AnnouncementReceipt.objects.get(user=ada.user)
    assert receipt.acknowledged_at is not None

    smtp_server.messages.clear()
    [sweep] = [
        item for item in sweeps.registered() if item.task is tasks.announcements_remind
    ]
    assert sweep.every == timedelta(hours=1)
    later = timezone.now() + timedelta(days=3, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announcements_remind(now=later) == 1

    assert [message["To"] for message in smtp_server.messages] == [
        "bob@contoso.example"
    ]
    assert smtp_server.messages[0]["Subject"] == "Reminder: New price list"
    assert AnnouncementReceipt.objects.get(user=bob.user).reminded_at == later


def test_the_sweep_tasks_run_the_services(settings):
    marketing = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    MembershipFactory(partner=PartnerFactory(region=Region.EMEA))
    services.announcement_create(
        actor=marketing,
        title="Soon",
        body="<p>Soon.</p>",
        audience=AudienceFactory(rule=EMEA_RULE),
        publish_at=timezone.now() + timedelta(seconds=1),
    )
    Announcement.objects.update(publish_at=timezone.now() - timedelta(seconds=1))

    assert tasks.announcements_announce.enqueue().return_value == 1
    assert tasks.announcements_remind.enqueue().return_value == 0
