from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The partner portal: the web interface of partner users."""

    name = "openprm.portal"
    label = "portal"
    verbose_name = _("Partner portal")
