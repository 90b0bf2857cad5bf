"""The distributor's view of its resellers in the API (the portal page's list)."""

from uuid import UUID

from ninja import Schema

from openprm.core.api import ApiRouter, as_uuid, lookup
from openprm.partners.permissions import READ_RESELLERS
from openprm.partners.selectors import partner_get
from openprm.portal.resellers import reseller_rows

router = ApiRouter(tags=["partners"])


class ResellerOut(Schema):
    id: UUID
    name: str
    status: str
    status_label: str
    country: str
    city: str
    parent: UUID | None
    tiers: list[str]
    live_deals: int
    won_deals: int
    open_leads: int


@router.list(
    "/partners/{public_id}/resellers",
    response=ResellerOut,
    summary="List a distributor's resellers",
)
def reseller_list(request, public_id: str):
    """The partners beneath a distributor the caller works for, with status, tiers,
    live deals and open leads, as its downstream visibility allows (403 for a
    partner that is not a distributor or a caller without the role; 404 for one
    outside the caller's scope)."""
    distributor = lookup(
        request, partner_get, rule=READ_RESELLERS, public_id=as_uuid(public_id)
    )
    return reseller_rows(user=request.user, distributor=distributor)
