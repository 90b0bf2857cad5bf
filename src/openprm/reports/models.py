import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.reports.choices import Frequency, ReportFormat, Weekday


class SavedReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Vendor admins see every schedule; other vendor staff their own."""
        from openprm.reports import permissions

        if permissions.MANAGE_ALL.allows(user):
            return self
        if not permissions.SCHEDULE.allows(user):
            return self.none()
        return self.filter(owner=user)


class SavedReport(TimeStampedModel):
    """A report of one kind (``reports.registry``) with its filters, emailed as a
    file to its recipients every week or month by the worker."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_reports",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("report"), max_length=40)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    file_format = models.CharField(
        _("format"), max_length=8, choices=ReportFormat.choices
    )
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="scheduled_reports_received",
        verbose_name=_("recipients"),
    )
    next_run_at = models.DateTimeField(_("next sending"), db_index=True)
    last_run_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.TextField(_("last problem"), blank=True)

    objects = SavedReportQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        frequency=Frequency.WEEKLY,
                        weekday__gte=0,
                        weekday__lte=6,
                        day_of_month__isnull=True,
                    )
                    | Q(
                        frequency=Frequency.MONTHLY,
                        day_of_month__gte=1,
                        day_of_month__lte=31,
                        weekday__isnull=True,
                    )
                ),
                name="reports_savedreport_schedule_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name
