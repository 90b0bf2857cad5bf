from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

kinds.register("certifications.expiry_due", _("A certification of yours expires soon"))
kinds.register("certifications.expired", _("A certification of yours has expired"))
kinds.register(
    "certifications.reviewed", _("An external certificate of yours was reviewed")
)
