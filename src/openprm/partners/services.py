from django.db import transaction

from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner


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
    return partner
