"""What the certifications app plugs into the layers below it, at start-up: the
partner 360's section, the programmes' metrics, the audiences' explanation."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openprm.certifications import selectors
from openprm.certifications.models import Certification
from openprm.partners.sections import PartnerSection, register_section
from openprm.programs.metrics import register_values
from openprm.segments.audiences.registry import register_audience_user

register_section(
    PartnerSection(
        key="accreditations",
        title=_("Certifications and accreditations"),
        order=25,
        template="certifications/_partner_section.html",
        load=selectors.partner_section,
        in_portal=True,
    )
)


register_values(
    "certifications",
    selectors.requirement_values,
    metrics=("certified_people", "accreditations_held"),
)
register_audience_user(
    _("Certifications"), Certification, live_q=lambda: Q(is_active=True)
)
