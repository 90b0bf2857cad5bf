from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """Partner portal content: the asset library (files, links and pages) shown to
    audiences, co-branded copies, announcements, and who used what."""

    name = "openprm.content"
    label = "content"
    verbose_name = _("Content")
