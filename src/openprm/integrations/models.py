import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import DeliveryStatus, OutboxEvent, TimeStampedModel
from openprm.integrations.webhooks import rules


class WebhookEndpoint(TimeStampedModel):
    """A URL of another system that receives the events it asked for, signed.

    The secret is kept as given to the receiver (``whsec_…``) because every delivery
    is signed with it; after a rotation the previous secret also signs deliveries
    until ``previous_secret_expires_at``, so that receivers can switch without loss.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.CharField(
        _("URL"),
        max_length=rules.MAX_URL_LENGTH,
        help_text=_("Where deliveries are POSTed: an http:// or https:// URL."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(
        _("events"),
        default=list,
        help_text=_('Event names or patterns, e.g. "partner.*", or "*" for all.'),
    )
    secret = models.CharField(_("signing secret"), max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["url", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event_name: str) -> bool:
        return rules.patterns_match(self.event_types, event_name)

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets that sign a delivery now: the current one, and the previous
        one while its grace period lasts."""
        now = now or timezone.now()
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and self.previous_secret_expires_at > now
        ):
            secrets.append(self.previous_secret)
        return secrets


class WebhookDelivery(models.Model):
    """The delivery of one event to one endpoint, retried with backoff until it is
    accepted (2xx) or given up."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(
        OutboxEvent,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
        verbose_name=_("event"),
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A claim that expires: a worker that dies mid-request leaves it to another.
    # The value is also the claim's fencing token (see dispatch.attempt).
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                name="integrations_delivery_event_endpoint_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="integrations_delivery_due_idx",
            ),
            # The dispatcher claims each endpoint's oldest due deliveries.
            models.Index(
                fields=["endpoint", "status", "next_attempt_at"],
                name="integrations_delivery_ep_idx",
            ),
            # The delivery log, newest first (all, or one endpoint's): the page's
            # keys from the index, no sort.
            models.Index(fields=["created_at", "id"], name="integ_delivery_new_idx"),
            models.Index(
                fields=["endpoint", "created_at", "id"],
                name="integ_delivery_ep_new_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.name} → {self.endpoint.url}: {self.status}"

    @property
    def webhook_id(self) -> str:
        """The ``webhook-id`` header: the same on every attempt, for deduplication."""
        return f"msg_{self.public_id.hex}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came back.

    Written before the request is sent, so that a request cut short by a dying
    worker is still in the log (with no outcome: ``finished_at`` stays empty).
    """

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    url = models.CharField(_("URL"), max_length=rules.MAX_URL_LENGTH)
    status_code = models.PositiveSmallIntegerField(
        _("response code"), null=True, blank=True
    )
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    response_body = models.TextField(_("response body (excerpt)"), blank=True)
    is_success = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["number", "id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error[:40]}"

    @property
    def is_interrupted(self) -> bool:
        """Started but never finished: the worker stopped during the request."""
        return self.finished_at is None


class ImportStatus(models.TextChoices):
    PREVIEWING = "previewing", _("Checking")
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def import_storage():
    """Uploaded import files, kept out of MEDIA_ROOT (which may be served)."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.VAR_DIR / "imports")


class ImportJob(TimeStampedModel):
    """One uploaded file of partners and prospects: the preview that validates every
    row, then the run that writes them, both in the worker with their progress.

    The file is kept as uploaded and read as a stream by both phases (never held in
    memory); per-row problems are ``ImportIssue`` rows, with the row number as a
    spreadsheet shows it (the header is row 1).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    file_name = models.CharField(_("file"), max_length=255)
    file = models.FileField(storage=import_storage, upload_to="", blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.PREVIEWING,
    )
    # Rows in the file (known once the preview has read it) and rows handled so far
    # by the current phase; the preview's progress is the share of the file read.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    preview_percent = models.PositiveSmallIntegerField(default=0)
    # What the preview found each row would do.
    will_create = models.PositiveIntegerField(default=0)
    will_update = models.PositiveIntegerField(default=0)
    will_skip = models.PositiveIntegerField(default=0)
    will_fail = models.PositiveIntegerField(default=0)
    # What the run did.
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # A problem with the file itself (unreadable, too many rows), not with a row.
    file_error = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.PREVIEWING, ImportStatus.PREVIEWED):
            return self.preview_percent
        return int(100 * self.done / self.total) if self.total else 100

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def is_working(self) -> bool:
        return self.status in (
            ImportStatus.PREVIEWING,
            ImportStatus.QUEUED,
            ImportStatus.RUNNING,
        )


class IssueKind(models.TextChoices):
    ERROR = "error", _("Error")
    DUPLICATE = "duplicate", _("Possible duplicate")


class ImportIssue(models.Model):
    """A row's problem: an error (the row is skipped) or a possible duplicate of a
    partner already there (a warning: the person confirming decides)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(max_length=16, choices=IssueKind.choices)
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["row", "id"]
        indexes = [
            models.Index(fields=["job", "kind", "row"], name="integ_issue_job_row_idx")
        ]

    def __str__(self) -> str:
        return f"row {self.row} {self.field}: {self.message}"


class ImportKey(models.Model):
    """The rows of an import that first named an external id or a domain (``x:…``,
    ``d:…``): a later row naming it again is refused, and the file need not be held
    in memory to know it. Deleted when the import finishes."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=260)
    row = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "key"], name="integ_importkey_uniq")
        ]

    def __str__(self) -> str:
        return self.key


# The CRM sync's models live in their sub-package; Django finds them through here.
from openprm.integrations.crm.models import (  # noqa: E402, F401
    CrmConnection,
    MatchDecision,
    OutgoingChange,
    SyncLink,
    SyncLogEntry,
    SyncMapping,
    SyncRun,
)
