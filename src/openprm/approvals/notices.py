from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

kinds.register("approvals.assigned", _("An approval awaits you"))
kinds.register("approvals.reminder", _("An approval is due soon"), required=True)
kinds.register(
    "approvals.escalated", _("An approval was escalated to you"), required=True
)
