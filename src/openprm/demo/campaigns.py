"""Demo data of campaigns: a finished recruitment campaign to the "Prospects to
recruit" segment with its funnel (sent, bounced, clicked, applied, approved), and
a draft for the next one. No email is sent: the history is written as it would
have been recorded.

Safe to run twice: nothing is added once a campaign exists.
"""

from datetime import timedelta

from django.utils import timezone

from openprm.campaigns import sending, services
from openprm.campaigns.choices import CampaignStatus, RecipientStatus
from openprm.campaigns.models import Campaign, CampaignRecipient
from openprm.programs.models import Programme
from openprm.segments.models import Segment

SEGMENT_NAME = "Prospects to recruit"
BODY = (
    "Hello {{ contact }},\n\n"
    "{{ company }} looks like a great fit for {{ programme }}: deal registration, "
    "market development funds and a dedicated channel manager.\n\n"
    "Applying takes five minutes."
)


def build_demo_campaigns(*, actor, base_url: str = "http://localhost:8000") -> int:
    """Build the demo; return how many recipients the finished campaign has."""
    if Campaign.objects.exists():
        return 0
    segment = Segment.objects.filter(name=SEGMENT_NAME).first()
    programme = Programme.objects.filter(slug="reseller").first()
    if segment is None or programme is None:
        return 0
    finished = services.campaign_create(
        actor=actor,
        name="Spring prospect outreach",
        segment=segment,
        programme=programme,
        subject="{{ company }}: join the {{ programme }}",
        body=BODY,
    )
    sent_at = timezone.now() - timedelta(days=21)
    services.campaign_schedule(
        actor=actor, campaign=finished, base_url=base_url, send_at=sent_at
    )
    sending.start_due(now=sent_at)
    recipients = list(CampaignRecipient.objects.filter(campaign=finished))
    for index, recipient in enumerate(recipients):
        # A plausible funnel: one in eight bounces; of the rest, about half click,
        # half of those apply, and half of those are approved.
        bounced = index % 8 == 7
        recipient.status = RecipientStatus.BOUNCED if bounced else RecipientStatus.SENT
        recipient.claimed_at = sent_at
        if bounced:
            recipient.error = (
                "SMTPRecipientsRefused: 550 5.1.1 The email account does not exist"
            )
        else:
            recipient.sent_at = sent_at
            if index % 2 == 0:
                recipient.clicked_at = sent_at + timedelta(hours=3 + index)
            if index % 4 == 0:
                recipient.applied_at = sent_at + timedelta(days=1, hours=index)
            if index % 8 == 0:
                recipient.approved_at = sent_at + timedelta(days=6, hours=index)
    CampaignRecipient.objects.bulk_update(
        recipients,
        ["status", "claimed_at", "error", "sent_at", "clicked_at", "applied_at",
         "approved_at"],
    )  # fmt: skip
    Campaign.objects.filter(pk=finished.pk).update(
        status=CampaignStatus.SENT, finished_at=sent_at + timedelta(minutes=5)
    )
    services.campaign_create(
        actor=actor,
        name="Summer follow-up",
        segment=segment,
        programme=programme,
        subject="{{ contact }}, a reminder about {{ programme }}",
        body=BODY,
    )
    return len(recipients)
