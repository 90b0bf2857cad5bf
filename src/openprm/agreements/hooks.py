"""What the agreements app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.agreements.selectors import partner_agreement_section, portal_home_work
from openprm.core.worklist import register_portal_work
from openprm.partners.sections import PartnerSection, register_section

register_section(
    PartnerSection(
        key="agreements",
        title=_("Agreements"),
        order=60,
        template="agreements/_partner_section.html",
        load=partner_agreement_section,
    )
)


# The portal home: the terms the partner has yet to accept.
register_portal_work(portal_home_work, order=30)
