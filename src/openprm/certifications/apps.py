from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    """Certifications of partner people (earned by a learning path, an exam or an
    approved external certificate, with expiry and renewal) and the accreditation
    of partner companies computed from them."""

    name = "openprm.certifications"
    label = "certifications"
    verbose_name = _("Certifications")
