from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Webhooks, CRM sync, import and export: how other systems meet OpenPRM."""

    name = "openprm.integrations"
    label = "integrations"
    verbose_name = _("Integrations")
