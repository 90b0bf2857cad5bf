"""Models of onboarding journeys: per-programme task templates, and each partner's
journey whose tasks complete themselves from events."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.journeys.choices import TaskKind


class TaskTemplate(TimeStampedModel):
    """One task of a programme's onboarding journey, as every new partner gets it."""

    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.CASCADE, related_name="journey_tasks"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=32, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=200)
    is_required = models.BooleanField(_("required"), default=True)
    due_days = models.PositiveSmallIntegerField(
        _("due after (days)"), null=True, blank=True
    )
    # By kind: {"fields": [...]}, {"count": 2}, {"course": "code"}.
    config = models.JSONField(_("settings"), default=dict, blank=True)

    class Meta:
        ordering = ["programme_id", "position", "id"]
        verbose_name = _("journey task template")

    def __str__(self) -> str:
        return self.title


class JourneyStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Journey(PartnerOwnedModel, TimeStampedModel):
    """A partner's onboarding into one programme."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.CASCADE, related_name="journeys"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JourneyStatus.choices,
        default=JourneyStatus.IN_PROGRESS,
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("onboarding journey")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme"], name="journeys_journey_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} onboarding"


class JourneyTask(TimeStampedModel):
    """One task of a partner's journey, copied from its template at the start."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=32, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=200)
    is_required = models.BooleanField(_("required"), default=True)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completion_note = models.CharField(_("how"), max_length=300, blank=True)

    class Meta:
        ordering = ["journey_id", "position", "id"]
        verbose_name = _("journey task")

    def __str__(self) -> str:
        return self.title

    @property
    def owning_partner_id(self) -> int:
        return self.journey.partner_id

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class JourneyDocument(PartnerOwnedModel, TimeStampedModel):
    """A file a partner uploaded for a document task."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.ForeignKey(
        JourneyTask, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to="journeys/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("journey document")

    def __str__(self) -> str:
        return self.name
