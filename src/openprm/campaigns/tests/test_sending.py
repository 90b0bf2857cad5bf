"""Sending through a real SMTP server on 127.0.0.1 (openprm.testing.smtp)."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.campaigns import selectors, sending, services
from openprm.campaigns.choices import CampaignStatus, RecipientStatus
from openprm.campaigns.models import CampaignRecipient, Suppression
from openprm.campaigns.tests.factories import CampaignFactory, prospect
from openprm.core import events
from openprm.notifications.models import Notification
from openprm.partners.choices import PartnerStatus
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.tests.factories import StaticListMemberFactory
from openprm.testing.smtp import body_text

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture
def marketer():
    return VendorUserFactory(vendor_role="channel_marketing", email="mia@vendor.test")


def _scheduled(marketer, *prospects_fields, **campaign_fields):
    campaign = CampaignFactory(created_by=marketer, **campaign_fields)
    for fields in prospects_fields:
        prospect(campaign.segment, **fields)
    services.campaign_schedule(actor=marketer, campaign=campaign, base_url=BASE)
    return campaign


def _run(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return sending.run()


def test_each_prospect_receives_the_merged_email_with_its_links(
    smtp_server, marketer, django_capture_on_commit_callbacks
):
    campaign = _scheduled(
        marketer,
        {"email": "ada@acme.test", "name": "Ada"},
        {"email": "bob@bolt.test", "name": "Bob"},
    )

    assert _run(django_capture_on_commit_callbacks) == 2

    [message] = smtp_server.to("ada@acme.test")
    recipient = CampaignRecipient.objects.get(email="ada@acme.test")
    text = body_text(message)
    assert message["Subject"] == (
        f"Join {campaign.programme.name}, {recipient.company}"
    )
    assert text.startswith(f"Hello Ada,\n\n{recipient.company} would fit")
    assert f"{BASE}/c/t/{recipient.token}:" in text
    assert f"{BASE}/c/u/{recipient.token}:" in text
    assert str(message["List-Unsubscribe"]).strip().startswith(f"<{BASE}/c/u/")
    assert len(smtp_server.to("bob@bolt.test")) == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert selectors.campaign_funnel(campaign=campaign)["sent"] == 2
    assert Notification.objects.get(recipient=marketer).kind == "campaign.sent"
    assert len(smtp_server.to("mia@vendor.test")) == 1


def test_only_prospects_with_a_contact_address_are_targeted(
    smtp_server, marketer, django_capture_on_commit_callbacks
):
    campaign = _scheduled(marketer, {"email": "ada@acme.test"})
    StaticListMemberFactory(segment=campaign.segment, partner=PartnerFactory())
    StaticListMemberFactory(
        segment=campaign.segment,
        partner=PartnerFactory(status=PartnerStatus.PROSPECT),  # no contact
    )
    _run(django_capture_on_commit_callbacks)
    assert [r.email for r in CampaignRecipient.objects.all()] == ["ada@acme.test"]


def test_a_refused_address_is_a_bounce_with_the_error(
    smtp_server, marketer, django_capture_on_commit_callbacks
):
    smtp_server.refuse.add("gone@acme.test")
    campaign = _scheduled(marketer, {"email": "gone@acme.test"}, {"email": "ok@b.test"})

    _run(django_capture_on_commit_callbacks)

    bounced = CampaignRecipient.objects.get(email="gone@acme.test")
    assert bounced.status == RecipientStatus.BOUNCED
    assert "SMTPRecipientsRefused" in bounced.error
    funnel = selectors.campaign_funnel(campaign=campaign)
    assert (funnel["sent"], funnel["bounced"]) == (1, 1)


def test_a_server_that_is_down_pauses_without_losing_anyone(
    marketer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    campaign = _scheduled(marketer, {"email": "a@a.test"})
    _run(django_capture_on_commit_callbacks)
    recipient = CampaignRecipient.objects.get()
    assert recipient.status == RecipientStatus.PENDING
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING


@override_settings(OPENPRM_CAMPAIGN_RATE_PER_MINUTE=2, OPENPRM_CAMPAIGN_BATCH_SIZE=1)
def test_the_rate_limit_holds_across_runs(
    smtp_server, marketer, django_capture_on_commit_callbacks
):
    campaign = _scheduled(marketer, *({} for _ in range(5)))

    first = _run(django_capture_on_commit_callbacks)
    second = _run(django_capture_on_commit_callbacks)
    CampaignRecipient.objects.update(claimed_at=timezone.now() - timedelta(minutes=2))
    third = _run(django_capture_on_commit_callbacks)

    assert (first, second, third) == (2, 0, 2)
    assert len(smtp_server.messages) == 4
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING


def test_a_killed_worker_does_not_send_twice(
    smtp_server, marketer, django_capture_on_commit_callbacks
):
    campaign = _scheduled(marketer, {"email": "a@a.test"}, {"email": "b@b.test"})
    sending.start_due()
    # A worker claimed a@a.test and died before recording the result.
    CampaignRecipient.objects.filter(email="a@a.test").update(
        status=RecipientStatus.SENDING, claimed_at=timezone.now()
    )

    _run(django_capture_on_commit_callbacks)
    assert [str(m["To"]) for m in smtp_server.messages] == ["b@b.test"]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING  # the claim is still open

    CampaignRecipient.objects.filter(email="a@a.test").update(
        claimed_at=timezone.now() - timedelta(minutes=11)
    )
    _run(django_capture_on_commit_callbacks)
    assert smtp_server.to("a@a.test") == []
    assert len(smtp_server.to("b@b.test")) == 1
    assert CampaignRecipient.objects.get(email="a@a.test").status == (
        RecipientStatus.FAILED
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def test_a_campaign_scheduled_later_waits(smtp_server, marketer):
    campaign = CampaignFactory()
    prospect(campaign.segment)
    services.campaign_schedule(
        actor=marketer,
        campaign=campaign,
        base_url=BASE,
        send_at=timezone.now() + timedelta(hours=1),
    )
    assert sending.run() == 0
    assert CampaignRecipient.objects.count() == 0


def test_unsubscribed_addresses_are_skipped_by_later_campaigns(
    client, smtp_server, marketer, django_capture_on_commit_callbacks
):
    _scheduled(marketer, {"email": "ada@acme.test"})
    _run(django_capture_on_commit_callbacks)
    link = re.search(
        r"http://testserver(/c/u/\S+/)", body_text(smtp_server.messages[0])
    )

    page = client.get(link.group(1))
    client.post(link.group(1))

    assert b"Stop recruitment emails to ada@acme.test?" in page.content
    assert Suppression.objects.get().email == "ada@acme.test"
    later = CampaignFactory(created_by=marketer)
    StaticListMemberFactory(
        segment=later.segment,
        partner=CampaignRecipient.objects.get().partner,
    )
    services.campaign_schedule(actor=marketer, campaign=later, base_url=BASE)
    _run(django_capture_on_commit_callbacks)
    assert len(smtp_server.to("ada@acme.test")) == 1
    assert CampaignRecipient.objects.get(campaign=later).status == (
        RecipientStatus.SUPPRESSED
    )


def test_the_tracked_link_records_the_click_and_opens_the_form(
    client, smtp_server, marketer, django_capture_on_commit_callbacks
):
    campaign = _scheduled(marketer, {"email": "ada@acme.test"})
    _run(django_capture_on_commit_callbacks)
    link = re.search(
        r"http://testserver(/c/t/\S+/)", body_text(smtp_server.messages[0])
    )
    recipient = CampaignRecipient.objects.get()

    response = client.get(link.group(1))
    client.get(link.group(1))

    assert response.status_code == 302
    assert response["Location"] == (
        f"/apply/{campaign.programme.slug}/?c={recipient.token}"
    )
    assert selectors.campaign_funnel(campaign=campaign)["clicked"] == 1


def test_a_forged_link_is_not_found(client):
    recipient = CampaignFactory().recipients.create(
        email="a@a.test", company="A", contact_name=""
    )
    assert client.get(f"/c/t/{recipient.token}:forged/").status_code == 404
    assert client.get(f"/c/u/{recipient.token}:forged/").status_code == 404


def test_applied_and_approved_come_from_onboarding_events(
    django_capture_on_commit_callbacks,
):
    campaign = CampaignFactory()
    recipient = campaign.recipients.create(email="a@a.test", company="A")
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(
            "application.submitted", payload={"campaign_token": recipient.token}
        )
        events.emit("application.submitted", payload={"campaign_token": ""})
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("application.approved", payload={"campaign_token": recipient.token})
    funnel = selectors.campaign_funnel(campaign=campaign)
    assert (funnel["applied"], funnel["approved"]) == (1, 1)


def test_the_test_send_goes_to_the_author(
    smtp_server, marketer, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    prospect(campaign.segment, name="Ada")
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_test_send(actor=marketer, campaign=campaign, base_url=BASE)
    [message] = smtp_server.messages
    assert str(message["To"]) == "mia@vendor.test"
    assert message["Subject"].startswith("[TEST] Join ")
    assert "Hello Ada," in body_text(message)
    assert CampaignRecipient.objects.count() == 0
