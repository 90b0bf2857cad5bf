from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    """Dynamic segments (rules over partner profiles) and static partner lists."""

    name = "openprm.segments"
    label = "segments"
    verbose_name = _("Segments")

    def ready(self) -> None:
        # Rule conditions that other apps contribute (scoring's ``score``) register
        # themselves in each app's ``segment_conditions.py``, found here as the
        # kernel finds every app's tasks.py: segments names none of those apps.
        autodiscover_modules("segment_conditions")
