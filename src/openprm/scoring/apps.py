from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Scorecards: weighted criteria over partner profiles, scores with reasons."""

    name = "openprm.scoring"
    label = "scoring"
    verbose_name = _("Scorecards")
