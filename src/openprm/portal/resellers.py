"""A distributor's view of the resellers beneath it: each with its status, tiers,
live deals and open leads, as far as the distributor's downstream visibility
lets its people see them (the partner scope decides; without it the list is
empty and says why). Read in a fixed number of queries, whatever the number of
resellers."""

from dataclasses import dataclass
from uuid import UUID

from openprm.deals.selectors import deal_counts_by_partner
from openprm.leads.selectors import open_lead_counts
from openprm.partners.models import Partner
from openprm.partners.selectors import resellers_visible_to
from openprm.programs.selectors import current_tiers


@dataclass(frozen=True)
class ResellerRow:
    partner: Partner
    tiers: list[str]
    live_deals: int
    won_deals: int
    open_leads: int

    # The partner's fields the API shows, read off the row.
    id = property(lambda self: self.partner.public_id)
    name = property(lambda self: self.partner.name)
    status = property(lambda self: self.partner.status)
    status_label = property(lambda self: str(self.partner.get_status_display()))
    country = property(lambda self: self.partner.country)
    city = property(lambda self: self.partner.city)

    @property
    def parent(self) -> UUID | None:
        return self.partner.parent.public_id if self.partner.parent_id else None


def reseller_rows(*, user, distributor: Partner) -> list[ResellerRow]:
    """The rows of the page and the API (four queries)."""
    resellers = list(resellers_visible_to(user=user, partner=distributor))
    ids = [reseller.pk for reseller in resellers]
    if not ids:
        return []
    deals = deal_counts_by_partner(partner_ids=ids)
    leads = open_lead_counts(partner_ids=ids)
    tiers = current_tiers(partner_ids=ids)
    return [
        ResellerRow(
            partner=reseller,
            tiers=tiers.get(reseller.pk, []),
            live_deals=deals.get(reseller.pk, {}).get("live", 0),
            won_deals=deals.get(reseller.pk, {}).get("won", 0),
            open_leads=leads.get(reseller.pk, 0),
        )
        for reseller in resellers
    ]
