from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

kinds.register(
    "agreements.acceptance_due",
    _("A new version of the terms awaits acceptance"),
    required=True,
)
