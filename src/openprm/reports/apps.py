from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Scheduled reports: a report of another app (the performance dashboard, fund
    reports, learning reports) saved with its filters and emailed as XLSX or PDF
    to chosen vendor users, weekly or monthly, by the worker."""

    name = "openprm.reports"
    label = "reports"
    verbose_name = _("Scheduled reports")
