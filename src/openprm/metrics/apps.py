from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Partner performance: the metric catalogue, its rollups (partner x day and
    partner x month) kept by outbox subscribers and repaired by a nightly rebuild,
    and the tier evaluations that read them."""

    name = "openprm.metrics"
    label = "metrics"
    verbose_name = _("Metrics")
