"""Reads of campaigns. Vendor staff read campaigns; vendor admins and channel
marketing write them."""

from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from openprm.campaigns import permissions
from openprm.campaigns.choices import RecipientStatus
from openprm.campaigns.models import Campaign, CampaignRecipient, Suppression
from openprm.core.errors import NotFound
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Contact
from openprm.programs.models import Programme
from openprm.segments.models import Segment
from openprm.segments.selectors import segment_members


def campaign_list_visible_to(*, user) -> QuerySet[Campaign]:
    if not permissions.READ.allows(user):
        return Campaign.objects.none()
    return Campaign.objects.select_related("segment", "programme", "created_by")


def campaign_get(*, user, public_id: UUID | str) -> Campaign:
    permissions.READ.ensure(user)
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        raise NotFound from None
    campaign = campaign_list_visible_to(user=user).filter(public_id=public_id).first()
    if campaign is None:
        raise NotFound
    return campaign


def segment_choices() -> QuerySet[Segment]:
    return Segment.objects.filter(is_active=True).order_by("name", "id")


def programme_choices() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True).order_by("name", "id")


FUNNEL_STEPS = ("sent", "bounced", "clicked", "applied", "approved")


def campaign_funnel(*, campaign: Campaign) -> dict[str, int]:
    """Sent, bounced, clicked, applied and approved, in one aggregate query."""
    return CampaignRecipient.objects.filter(campaign=campaign).aggregate(
        recipients=Count("id"),
        sent=Count("id", filter=Q(status=RecipientStatus.SENT)),
        bounced=Count("id", filter=Q(status=RecipientStatus.BOUNCED)),
        clicked=Count("id", filter=Q(clicked_at__isnull=False)),
        applied=Count("id", filter=Q(applied_at__isnull=False)),
        approved=Count("id", filter=Q(approved_at__isnull=False)),
        waiting=Count(
            "id",
            filter=Q(status__in=[RecipientStatus.PENDING, RecipientStatus.SENDING]),
        ),
        suppressed=Count("id", filter=Q(status=RecipientStatus.SUPPRESSED)),
    )


def campaign_recipients(*, campaign: Campaign) -> QuerySet[CampaignRecipient]:
    return CampaignRecipient.objects.filter(campaign=campaign).order_by("company", "id")


def prospects_of(*, user, segment: Segment) -> list[dict]:
    """The prospects of the segment in ``user``'s scope, each with the address
    of its primary contact (else its first contact with an address)."""
    partners = list(
        segment_members(user=user, segment=segment)
        .filter(status=PartnerStatus.PROSPECT)
        .values_list("pk", "name")
    )
    contacts: dict[int, tuple[str, str]] = {}
    for partner_id, name, email in (
        Contact.objects.filter(partner_id__in=[pk for pk, _name in partners])
        .exclude(email="")
        .order_by("partner_id", "-is_primary", "id")
        .values_list("partner_id", "name", "email")
    ):
        contacts.setdefault(partner_id, (name, email))
    return [
        {
            "partner_id": pk,
            "company": name,
            "contact_name": contacts[pk][0],
            "email": contacts[pk][1].lower(),
        }
        for pk, name in partners
        if pk in contacts
    ]


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=email.lower()).exists()


def suppressed_among(emails: list[str]) -> set[str]:
    return set(
        Suppression.objects.filter(
            email__in=[email.lower() for email in emails]
        ).values_list("email", flat=True)
    )


def recipient_for_token(token: str) -> CampaignRecipient | None:
    if not token:
        return None
    return (
        CampaignRecipient.objects.select_related("campaign__programme")
        .filter(token=token)
        .first()
    )


FUNNEL_LABELS = (_("Sent"), _("Bounced"), _("Clicked"), _("Applied"), _("Approved"))


def campaign_list_with_funnel(*, user) -> QuerySet[Campaign]:
    """Campaigns newest first, each with its funnel numbers (one query)."""
    return campaign_list_visible_to(user=user).annotate(
        sent_count=Count(
            "recipients", filter=Q(recipients__status=RecipientStatus.SENT)
        ),
        bounced_count=Count(
            "recipients", filter=Q(recipients__status=RecipientStatus.BOUNCED)
        ),
        clicked_count=Count(
            "recipients", filter=Q(recipients__clicked_at__isnull=False)
        ),
        applied_count=Count(
            "recipients", filter=Q(recipients__applied_at__isnull=False)
        ),
        approved_count=Count(
            "recipients", filter=Q(recipients__approved_at__isnull=False)
        ),
    )


def segment_by_public_id(public_id) -> Segment | None:
    try:
        return Segment.objects.filter(public_id=UUID(str(public_id))).first()
    except ValueError:
        return None


def programme_by_public_id(public_id) -> Programme | None:
    try:
        return Programme.objects.filter(public_id=UUID(str(public_id))).first()
    except ValueError:
        return None
