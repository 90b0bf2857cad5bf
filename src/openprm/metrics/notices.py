"""The metrics app's notification kinds."""

from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

TIER_CHANGED = kinds.register("tier.changed", _("Your tier changed"), required=True)
TIER_RECOMMENDED = kinds.register("tier.recommended", _("A tier change to review"))
PARTNER_AT_RISK = kinds.register(
    "partner.at_risk", _("A partner of yours is at risk (health score)")
)
