import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class WorkerLease(models.Model):
    """A running worker process's claim to be alive, renewed while it lives.

    A task of the database queue that is running under a worker whose lease has
    run out is taken to be lost with its worker (killed, out of memory, the
    machine gone) and put back in the queue (core/task_recovery.py).
    """

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host name"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        ordering = ["worker_id"]
        verbose_name = _("worker lease")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that are only ever added (the audit trail, the points ledger): bulk
    changes and deletions are refused."""

    noun = "These rows"

    def update(self, **kwargs):
        raise TypeError(f"{self.noun} cannot be changed")

    def delete(self):
        raise TypeError(f"{self.noun} cannot be deleted")


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it is refused."""

    noun = "These rows"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{self.noun} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self.noun} cannot be deleted")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    noun = "Audit entries"


class AuditEntry(AppendOnlyModel):
    """One recorded change to business data: who, what, when, before and after.

    Written by services in the same transaction as the change; never edited or
    deleted through the product (the queryset and the model refuse it).
    """

    noun = "Audit entries"

    # What a bulk writer (the partner import, the lead batch) fills for each
    # entry, in this order: every column but the key.
    BULK_FIELDS = (
        "occurred_at",
        "actor_id",
        "actor_label",
        "token_id",
        "token_label",
        "action",
        "verb",
        "object_type",
        "object_id",
        "object_repr",
        "partner_id",
        "changes",
        "request_id",
        "client_ip",
    )

    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text so the entry still says who it was after the user is gone.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    token_id = models.BigIntegerField(_("API token"), null=True, blank=True)
    token_label = models.CharField(_("API token name"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    verb = models.CharField(
        _("business action"),
        max_length=100,
        blank=True,
        help_text=_("The service that made the change, e.g. partner.status_changed."),
    )
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    # The partner the object belongs to (no foreign key: history outlives the row).
    partner_id = models.BigIntegerField(_("partner"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(
                fields=["object_type", "object_id"], name="core_audit_object_idx"
            ),
            # A partner's entries newest first, ties by id: read backwards, this
            # index gives the list's exact order, so a page needs no sort.
            models.Index(
                fields=["partner_id", "occurred_at", "id"],
                name="core_audit_partner_time_idx",
            ),
            # Every entry newest first (the console's audit trail, a vendor
            # admin's): the page's keys from the index, no sort of the ties.
            models.Index(fields=["occurred_at", "id"], name="core_audit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label or 'system'} {self.action} {self.object_repr}"


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it announces.

    The dispatcher hands it to every subscriber at least once (see core.events).
    """

    # What a bulk writer fills for each event, in this order (not the key, nor the
    # dispatch state, which start at their defaults).
    BULK_FIELDS = (
        "uuid",
        "name",
        "version",
        "occurred_at",
        "actor_id",
        "partner_id",
        "payload",
        "request_id",
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("event"), max_length=100, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    partner_id = models.BigIntegerField(
        _("partner"), null=True, blank=True, db_index=True
    )
    payload = models.JSONField(_("payload"), default=dict)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # Set once every subscriber has its delivery row; NULL means fan-out is pending.
    fanned_out_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbox event")

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.uuid})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class SubscriberDelivery(models.Model):
    """The hand-over of one event to one subscriber, retried with backoff."""

    event = models.ForeignKey(
        OutboxEvent, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.CharField(_("subscriber"), max_length=100)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A claim that expires: a worker that dies mid-delivery leaves it to another.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"],
                name="core_delivery_event_subscriber_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="core_delivery_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.name} → {self.subscriber}: {self.status}"


class Branding(TimeStampedModel):
    """The vendor's name, logo, colour and privacy notice, shown on the public
    pages, the portal, the console and in emails. One row (``core.branding``)."""

    vendor_name = models.CharField(_("vendor name"), max_length=100, default="OpenPRM")
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    # "#rrggbb": the buttons and links of every page.
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#0a58ca"
    )
    privacy_notice_url = models.URLField(
        _("privacy notice address"), max_length=500, blank=True
    )
    programme_pitch = models.TextField(
        _("why partner with us"),
        blank=True,
        help_text=_("A few sentences for the public page that lists the programmes."),
    )

    class Meta:
        verbose_name = _("branding")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="core_branding_one")
        ]

    def __str__(self) -> str:
        return self.vendor_name
