from django.utils.translation import gettext_lazy as _

from openprm.notifications import kinds

kinds.register(
    "onboarding.application_assigned", _("An application awaits your review")
)
kinds.register(
    "onboarding.application_reminder",
    _("An application's review is due soon"),
    required=True,
)
kinds.register(
    "onboarding.application_escalated",
    _("An application was escalated to you"),
    required=True,
)
