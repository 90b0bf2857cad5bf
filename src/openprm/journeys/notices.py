from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

kinds.register("journeys.partner_activated", _("Your organisation became active"))
