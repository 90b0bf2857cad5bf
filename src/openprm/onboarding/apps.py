from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Public applications per programme, routing rules to approvers and queues, and
    multi-step approval chains with SLAs.
    """

    name = "openprm.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, NavItem
        from openprm.notifications import kinds

        CONSOLE.append(
            NavItem(
                _("Applications"),
                "console:application_queue",
                active_prefix="console:application",
                order=25,
            )
        )
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
