from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

kinds.register("campaign.sent", _("A campaign I scheduled was sent"))
