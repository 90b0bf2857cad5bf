from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for business rows: when each was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SweepRun(models.Model):
    """The schedule state of one periodic sweep, shared by every worker process.

    A worker claims a due sweep by moving ``next_run_at`` forward in one conditional
    UPDATE, so a sweep is enqueued once per period however many workers run.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_enqueued_at = models.DateTimeField(
        _("last enqueued at"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sweep run")

    def __str__(self) -> str:
        return self.name
