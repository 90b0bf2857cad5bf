"""What the certifications app plugs into the layers below it, at start-up: the
partner 360's section, the programmes' metrics, the audiences' explanation."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openprm.certifications import selectors
from openprm.certifications.choices import AccreditationStatus
from openprm.certifications.models import Certification, PartnerAccreditation
from openprm.partners.sections import PartnerSection, register_section
from openprm.programs.metrics import register_source
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


def _accreditations_held(partner_id: int) -> int:
    return PartnerAccreditation.objects.filter(
        partner_id=partner_id, status=AccreditationStatus.HELD
    ).count()


register_source(
    "certified_people",
    lambda partner_id: selectors.certified_people(partner_id=partner_id),
)
register_source("accreditations_held", _accreditations_held)
register_audience_user(
    _("Certifications"), Certification, live_q=lambda: Q(is_active=True)
)
