from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner organisations: profile, contacts, custom fields, hierarchy, the
    status lifecycle, duplicates and merges, the directory."""

    name = "openprm.partners"
    label = "partners"
    verbose_name = _("Partners")
