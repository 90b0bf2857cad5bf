"""Sending campaigns in the worker, at a rate limit, resumably.

Each recipient row is claimed (pending -> sending) in one conditional UPDATE before
its email goes out and marked sent or bounced after: a worker killed mid-batch
leaves at most its in-flight rows claimed, and those are never sent again (they are
marked failed once the claim is old), so nobody gets the email twice.

The rate limit (``OPENPRM_CAMPAIGN_RATE_PER_MINUTE``) is a sliding window over the
claims of the last minute, shared by every worker and campaign.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.campaigns import emails, links, services
from openprm.campaigns.choices import CampaignStatus, RecipientStatus
from openprm.campaigns.models import Campaign, CampaignRecipient
from openprm.campaigns.selectors import campaign_funnel, prospects_of, suppressed_among
from openprm.core import audit, events
from openprm.notifications.services import notify

logger = logging.getLogger(__name__)

CLAIM_EXPIRES = timedelta(minutes=10)
# Refusals by the receiving server for this address or message: a bounce. Anything
# else (the server is down, the connection dropped) is retried later.
BOUNCES = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def rate_per_minute() -> int:
    return max(1, int(getattr(settings, "OPENPRM_CAMPAIGN_RATE_PER_MINUTE", 60)))


def batch_size() -> int:
    return max(1, int(getattr(settings, "OPENPRM_CAMPAIGN_BATCH_SIZE", 20)))


def start_due(*, now=None) -> list[Campaign]:
    """Move scheduled campaigns whose time has come to sending and write their
    recipient rows (the segment's prospects as they are now)."""
    now = now or timezone.now()
    started = []
    for campaign in Campaign.objects.select_related(
        "segment", "programme", "scheduled_by", "created_by"
    ).filter(status=CampaignStatus.SCHEDULED, send_at__lte=now):
        with transaction.atomic():
            claimed = Campaign.objects.filter(
                pk=campaign.pk, status=CampaignStatus.SCHEDULED
            ).update(status=CampaignStatus.SENDING, started_at=now, updated_at=now)
            if not claimed:
                continue
            before = audit.snapshot(campaign, ["status"])
            campaign.status, campaign.started_at = CampaignStatus.SENDING, now
            user = campaign.scheduled_by or campaign.created_by
            prospects = (
                prospects_of(user=user, segment=campaign.segment) if user else []
            )
            CampaignRecipient.objects.bulk_create(
                [CampaignRecipient(campaign=campaign, **item) for item in prospects],
                ignore_conflicts=True,
            )
            audit.record_change(
                actor=None, instance=campaign, before=before, verb="campaign.started"
            )
            events.emit(
                "campaign.started",
                payload={
                    **services.campaign_payload(campaign),
                    "recipients": len(prospects),
                },
            )
        started.append(campaign)
    return started


def expire_claims(*, now=None) -> int:
    """Rows claimed by a worker that died: failed, never resent."""
    now = now or timezone.now()
    return CampaignRecipient.objects.filter(
        status=RecipientStatus.SENDING, claimed_at__lt=now - CLAIM_EXPIRES
    ).update(
        status=RecipientStatus.FAILED,
        error=_("The worker stopped while sending; not retried, to avoid a duplicate."),
    )


def budget(*, now=None) -> int:
    """How many emails may go out now under the per-minute rate limit."""
    now = now or timezone.now()
    recent = CampaignRecipient.objects.filter(
        claimed_at__gte=now - timedelta(minutes=1)
    ).count()
    return max(0, rate_per_minute() - recent)


def _claim(recipient: CampaignRecipient, now) -> bool:
    return bool(
        CampaignRecipient.objects.filter(
            pk=recipient.pk, status=RecipientStatus.PENDING
        ).update(status=RecipientStatus.SENDING, claimed_at=now)
    )


def _mark(recipient: CampaignRecipient, status: str, error: str = "") -> None:
    now = timezone.now()
    CampaignRecipient.objects.filter(pk=recipient.pk).update(
        status=status,
        error=error[:2000],
        sent_at=now if status == RecipientStatus.SENT else None,
    )


def send_batch(*, campaign: Campaign, limit: int) -> int:
    """Send up to ``limit`` of the campaign's waiting emails over one connection;
    return how many were attempted (sent or bounced)."""
    pending = list(
        CampaignRecipient.objects.filter(
            campaign=campaign, status=RecipientStatus.PENDING
        ).order_by("id")[:limit]
    )
    if not pending:
        return 0
    suppressed = suppressed_among([item.email for item in pending])
    if suppressed:
        CampaignRecipient.objects.filter(
            pk__in=[item.pk for item in pending if item.email in suppressed],
            status=RecipientStatus.PENDING,
        ).update(status=RecipientStatus.SUPPRESSED)
    attempted = 0
    connection = get_connection(fail_silently=False)
    try:
        # Opened here, the connection serves the whole batch (a backend opens and
        # closes one per message otherwise).
        connection.open()
    except Exception as error:  # the server is down: the batch waits for next time
        logger.warning("Campaign %s paused: %s", campaign.pk, error)
        return 0
    try:
        for recipient in pending:
            if recipient.email in suppressed:
                continue
            if not _claim(recipient, timezone.now()):
                continue  # another worker has it
            message = emails.build(
                campaign=campaign,
                to=recipient.email,
                values=emails.merge_values(
                    company=recipient.company,
                    contact=recipient.contact_name,
                    programme=campaign.programme.name,
                ),
                click=links.click_url(campaign.base_url, recipient.token),
                unsubscribe=links.unsubscribe_url(campaign.base_url, recipient.token),
            )
            message.connection = connection
            try:
                message.send()
            except BOUNCES as error:
                _mark(
                    recipient,
                    RecipientStatus.BOUNCED,
                    f"{type(error).__name__}: {error}",
                )
            except Exception as error:  # the server, not the address: try again later
                CampaignRecipient.objects.filter(pk=recipient.pk).update(
                    status=RecipientStatus.PENDING, claimed_at=None
                )
                logger.warning("Campaign %s paused: %s", campaign.pk, error)
                break
            else:
                _mark(recipient, RecipientStatus.SENT)
            attempted += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection
            logger.debug("Closing the mail connection failed", exc_info=True)
    return attempted


def finish_if_done(*, campaign: Campaign) -> bool:
    """A sending campaign with nothing waiting is sent; tell its author."""
    waiting = CampaignRecipient.objects.filter(
        campaign=campaign,
        status__in=[RecipientStatus.PENDING, RecipientStatus.SENDING],
    ).exists()
    if waiting:
        return False
    with transaction.atomic():
        now = timezone.now()
        moved = Campaign.objects.filter(
            pk=campaign.pk, status=CampaignStatus.SENDING
        ).update(status=CampaignStatus.SENT, finished_at=now, updated_at=now)
        if not moved:
            return False
        before = audit.snapshot(campaign, ["status"])
        campaign.status, campaign.finished_at = CampaignStatus.SENT, now
        audit.record_change(
            actor=None, instance=campaign, before=before, verb="campaign.sent"
        )
        funnel = campaign_funnel(campaign=campaign)
        events.emit(
            "campaign.sent",
            payload={
                **services.campaign_payload(campaign),
                "sent": funnel["sent"],
                "bounced": funnel["bounced"],
            },
        )
        author = campaign.scheduled_by or campaign.created_by
        if author is not None:
            notify(
                recipients=[author],
                kind="campaign.sent",
                subject=_("Campaign “%(name)s” was sent") % {"name": campaign.name},
                body=_("%(sent)d sent, %(bounced)d bounced.") % funnel,
                url=reverse(
                    "console:campaign_detail", kwargs={"public_id": campaign.public_id}
                ),
            )
    return True


def run(*, now=None) -> int:
    """One pass of the sweep: start due campaigns, then send within the rate
    limit in batches; return how many emails were attempted."""
    now = now or timezone.now()
    start_due(now=now)
    expire_claims(now=now)
    attempted = 0
    campaigns = list(
        Campaign.objects.select_related("programme", "scheduled_by", "created_by")
        .filter(status=CampaignStatus.SENDING)
        .order_by("started_at", "id")
    )
    for campaign in campaigns:
        while True:
            allowed = min(budget(), batch_size())
            if allowed <= 0:
                return attempted
            done = send_batch(campaign=campaign, limit=allowed)
            attempted += done
            if done < allowed:
                break
        finish_if_done(campaign=campaign)
    return attempted
