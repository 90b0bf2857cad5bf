from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Public applications per programme, routing rules to approvers and queues, and
    multi-step approval chains with SLAs.
    """

    name = "openprm.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")
