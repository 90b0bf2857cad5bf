"""The notification kinds of funds (sent with ``notifications.services.notify``,
after the caller's transaction commits)."""

from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

KINDS = {
    "fund_request.submitted": _("A fund request was submitted for review"),
    "fund_request.decided": _("A decision on your fund request"),
    "fund_request.released": _("Unclaimed funds of a request were released"),
    "fund_claim.submitted": _("A fund claim was submitted for review"),
    "fund_claim.decided": _("A decision on your fund claim"),
    "fund.payout_recorded": _("A fund payout was made"),
}
REQUIRED = {"fund_request.released"}

for _key, _label in KINDS.items():
    kinds.register(_key, _label, required=_key in REQUIRED)
