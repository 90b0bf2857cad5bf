"""What the notifications app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.notifications.selectors import partner_notification_section
from openprm.partners.sections import PartnerSection, register_section

register_section(
    PartnerSection(
        key="notifications",
        title=_("Notifications sent"),
        order=80,
        template="notifications/_partner_section.html",
        load=partner_notification_section,
    )
)
