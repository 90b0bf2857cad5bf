from django.db import transaction

from openprm.core import audit, events
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner

AUDITED_FIELDS = [
    "name",
    "partner_type",
    "status",
    "country",
    "region",
    "city",
    "parent",
]


@transaction.atomic
def partner_create(
    *,
    name: str,
    partner_type: str,
    country: str,
    region: str,
    city: str = "",
    website: str = "",
    status: str = PartnerStatus.PROSPECT,
    parent: Partner | None = None,
    channel_manager=None,
    downstream_visibility: bool = False,
    actor=None,
) -> Partner:
    """Create a partner organisation, placed beneath ``parent`` when given."""
    partner = Partner.objects.create(
        name=name,
        partner_type=partner_type,
        country=country.upper(),
        region=region,
        city=city,
        website=website,
        status=status,
        parent=parent,
        channel_manager=channel_manager,
        downstream_visibility=downstream_visibility,
    )
    partner.path = f"{parent.path if parent else '/'}{partner.pk}/"
    partner.depth = parent.depth + 1 if parent else 0
    partner.save(update_fields=["path", "depth"])
    audit.record_create(actor=actor, instance=partner, fields=AUDITED_FIELDS)
    events.emit(
        "partner.created",
        payload=partner_payload(partner),
        actor=actor,
        partner_id=partner.pk,
    )
    return partner


def partner_payload(partner: Partner) -> dict:
    """The partner as events and webhooks carry it."""
    return {
        "id": partner.pk,
        "public_id": str(partner.public_id),
        "name": partner.name,
        "partner_type": partner.partner_type,
        "status": partner.status,
        "country": partner.country,
        "region": partner.region,
        "parent": partner.parent_id,
    }
