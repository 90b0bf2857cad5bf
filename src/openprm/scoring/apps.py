from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Scorecards: weighted criteria over partner profiles, scores with reasons."""

    name = "openprm.scoring"
    label = "scoring"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, NavItem
        from openprm.scoring import subscribers  # noqa: F401
        from openprm.scoring.segment_conditions import SCORE_FIELD
        from openprm.segments.rules import register_field

        register_field("score", SCORE_FIELD)

        CONSOLE.append(
            NavItem(
                _("Scorecards"),
                "console:scorecard_list",
                active_prefix="console:scor",
                # After the programmes.
                order=25,
            )
        )
