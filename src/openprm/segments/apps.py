from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    """Dynamic segments (rules over partner profiles) and static partner lists."""

    name = "openprm.segments"
    label = "segments"
    verbose_name = _("Segments")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, NavItem

        CONSOLE.append(
            NavItem(
                _("Segments"),
                "console:segment_list",
                active_prefix="console:segment",
                # After programmes, before the administration pages.
                order=25,
            )
        )
