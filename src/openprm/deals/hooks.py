"""What the deals app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.deals.selectors import partner_deal_section
from openprm.partners.sections import PartnerSection, register_section

register_section(
    PartnerSection(
        key="deals",
        title=_("Deals and pipeline"),
        order=30,
        template="deals/_partner_section.html",
        load=partner_deal_section,
    )
)
