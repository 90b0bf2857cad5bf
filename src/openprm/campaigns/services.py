"""Every write of campaigns.

Vendor admins and channel marketing write campaigns; the worker sends them
(sending.py); anonymous prospects click and unsubscribe through signed links.
Each action is audited and announces itself.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.campaigns import merge, permissions, tasks
from openprm.campaigns.choices import CampaignStatus
from openprm.campaigns.models import Campaign, CampaignRecipient, Suppression
from openprm.campaigns.selectors import recipient_for_token
from openprm.core import audit, events
from openprm.core.errors import InvalidTransition, ValidationFailed
from openprm.programs.models import Programme
from openprm.segments.models import Segment

CAMPAIGN_FIELDS = ["name", "segment", "programme", "subject", "body"]
STATE_FIELDS = ["status", "send_at"]


def campaign_payload(campaign: Campaign) -> dict:
    return {
        "id": str(campaign.public_id),
        "name": campaign.name,
        "status": campaign.status,
        "segment": str(campaign.segment.public_id),
        "programme": campaign.programme.slug,
        "send_at": campaign.send_at.isoformat() if campaign.send_at else None,
    }


def _clean(
    *, name: str, segment, programme, subject: str, body: str
) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    name, subject = name.strip(), subject.strip()
    if not name:
        errors["name"] = [str(_("Enter a name."))]
    if segment is None:
        errors["segment"] = [str(_("Choose a segment or list."))]
    if programme is None:
        errors["programme"] = [str(_("Choose a programme."))]
    if not subject:
        errors["subject"] = [str(_("Enter a subject."))]
    if not body.strip():
        errors["body"] = [str(_("Enter a message."))]
    for field, text in (("subject", subject), ("body", body)):
        unknown = merge.unknown_fields(text)
        if unknown:
            errors.setdefault(field, []).append(
                str(
                    _("Unknown merge field: %(names)s. Use %(fields)s.")
                    % {
                        "names": ", ".join(unknown),
                        "fields": ", ".join(f"{{{{ {f} }}}}" for f in merge.FIELDS),
                    }
                )
            )
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "name": name,
        "segment": segment,
        "programme": programme,
        "subject": subject,
        "body": body,
    }


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    segment: Segment | None,
    programme: Programme | None,
    subject: str,
    body: str,
) -> Campaign:
    permissions.EDIT.ensure(actor)
    cleaned = _clean(
        name=name, segment=segment, programme=programme, subject=subject, body=body
    )
    campaign = Campaign.objects.create(**cleaned, created_by=actor)
    audit.record_create(
        actor=actor, instance=campaign, fields=CAMPAIGN_FIELDS, verb="campaign.created"
    )
    events.emit("campaign.created", payload=campaign_payload(campaign), actor=actor)
    return campaign


def _ensure_draft(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise InvalidTransition(
            campaign.status,
            CampaignStatus.DRAFT,
            _("Only a draft campaign can be changed."),
        )


@transaction.atomic
def campaign_update(
    *,
    actor,
    campaign: Campaign,
    name: str | None = None,
    segment: Segment | None = None,
    programme: Programme | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> Campaign:
    """Change a draft; what is not given (``None``) stays."""
    permissions.EDIT.ensure(actor)
    _ensure_draft(campaign)
    cleaned = _clean(
        name=campaign.name if name is None else name,
        segment=campaign.segment if segment is None else segment,
        programme=campaign.programme if programme is None else programme,
        subject=campaign.subject if subject is None else subject,
        body=campaign.body if body is None else body,
    )
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    for field, value in cleaned.items():
        setattr(campaign, field, value)
    entry = audit.record_change(
        actor=actor, instance=campaign, before=before, verb="campaign.updated"
    )
    if entry is None:
        return campaign
    campaign.save(update_fields=[*CAMPAIGN_FIELDS, "updated_at"])
    events.emit(
        "campaign.updated",
        payload={**campaign_payload(campaign), "changes": entry.changes},
        actor=actor,
    )
    return campaign


@transaction.atomic
def campaign_schedule(
    *, actor, campaign: Campaign, base_url: str, send_at: datetime | None = None
) -> Campaign:
    """Queue a draft for sending at ``send_at`` (now when not given); the links in
    its emails point to ``base_url``."""
    permissions.EDIT.ensure(actor)
    if campaign.status != CampaignStatus.DRAFT:
        raise InvalidTransition(campaign.status, CampaignStatus.SCHEDULED)
    if send_at is not None and timezone.is_naive(send_at):
        raise ValidationFailed(
            field_errors={"send_at": [str(_("Give a time zone with the time."))]}
        )
    before = audit.snapshot(campaign, STATE_FIELDS)
    campaign.status = CampaignStatus.SCHEDULED
    campaign.send_at = send_at or timezone.now()
    campaign.base_url = base_url.rstrip("/")
    campaign.scheduled_by = actor
    campaign.save(
        update_fields=[*STATE_FIELDS, "base_url", "scheduled_by", "updated_at"]
    )
    audit.record_change(
        actor=actor, instance=campaign, before=before, verb="campaign.scheduled"
    )
    events.emit("campaign.scheduled", payload=campaign_payload(campaign), actor=actor)
    return campaign


@transaction.atomic
def campaign_cancel(*, actor, campaign: Campaign) -> Campaign:
    """Stop a scheduled or sending campaign: emails not yet sent never will be."""
    permissions.EDIT.ensure(actor)
    if campaign.status not in (CampaignStatus.SCHEDULED, CampaignStatus.SENDING):
        raise InvalidTransition(campaign.status, CampaignStatus.CANCELLED)
    before = audit.snapshot(campaign, STATE_FIELDS)
    # Conditional: the worker may be moving the campaign on at the same moment.
    moved = Campaign.objects.filter(pk=campaign.pk, status=campaign.status).update(
        status=CampaignStatus.CANCELLED, updated_at=timezone.now()
    )
    if not moved:
        campaign.refresh_from_db()
        raise InvalidTransition(campaign.status, CampaignStatus.CANCELLED)
    campaign.status = CampaignStatus.CANCELLED
    audit.record_change(
        actor=actor, instance=campaign, before=before, verb="campaign.cancelled"
    )
    events.emit("campaign.cancelled", payload=campaign_payload(campaign), actor=actor)
    return campaign


def campaign_test_send(*, actor, campaign: Campaign, base_url: str) -> None:
    """Send the campaign's email to its author (the actor), merged with the first
    prospect's values, by the worker; its links are not tracked."""
    permissions.EDIT.ensure(actor)
    if not actor.email:
        raise ValidationFailed(_("Your account has no email address."))

    def enqueue() -> None:
        tasks.send_test.enqueue(campaign.pk, actor.pk, base_url.rstrip("/"))

    with transaction.atomic():
        events.emit(
            "campaign.test_sent",
            payload={**campaign_payload(campaign), "to": actor.email},
            actor=actor,
        )
        transaction.on_commit(enqueue)


def recipient_click(*, token: str) -> CampaignRecipient | None:
    """Record the first click of a recipient's tracked link (later ones change
    nothing); return the recipient, or None for an unknown token."""
    recipient = recipient_for_token(token)
    if recipient is None:
        return None
    with transaction.atomic():
        now = timezone.now()
        first = CampaignRecipient.objects.filter(
            pk=recipient.pk, clicked_at__isnull=True
        ).update(clicked_at=now)
        if first:
            recipient.clicked_at = now
            events.emit(
                "campaign.clicked",
                payload={
                    "campaign": str(recipient.campaign.public_id),
                    "partner": recipient.partner_id,
                    "email": recipient.email,
                },
            )
    return recipient


@transaction.atomic
def unsubscribe(*, token: str) -> Suppression | None:
    """Add the recipient's address to the suppression list (honoured by every
    later campaign); None for an unknown token. Twice is harmless."""
    recipient = recipient_for_token(token)
    if recipient is None:
        return None
    existing = Suppression.objects.filter(email=recipient.email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            suppression = Suppression.objects.create(
                email=recipient.email, campaign=recipient.campaign
            )
    except IntegrityError:  # the same address unsubscribed at the same moment
        return Suppression.objects.get(email=recipient.email)
    audit.record_create(
        actor=None,
        instance=suppression,
        fields=["email", "campaign"],
        verb="campaign.unsubscribed",
    )
    events.emit(
        "campaign.unsubscribed",
        payload={
            "campaign": str(recipient.campaign.public_id),
            "email": recipient.email,
        },
    )
    return suppression


def _record_application_step(event, field: str) -> None:
    token = (event.payload or {}).get("campaign_token") or ""
    if token:
        CampaignRecipient.objects.filter(
            token=token, **{f"{field}__isnull": True}
        ).update(**{field: event.occurred_at or timezone.now()})


def record_applied(event) -> None:
    """application.submitted from a campaign link: the recipient applied."""
    _record_application_step(event, "applied_at")


def record_approved(event) -> None:
    """application.approved from a campaign link: the recipient was approved."""
    _record_application_step(event, "approved_at")
