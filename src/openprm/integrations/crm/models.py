"""The CRM sync's data: connections, mappings, links between records, runs, the
per-record log, the outgoing queue (with its dead letters) and the matching queue."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel


class ConnectorType(models.TextChoices):
    BOTTLECRM = "bottlecrm", _("BottleCRM")
    CSV = "csv", _("CSV files")


class SyncObject(models.TextChoices):
    """What a connection keeps in step (each with its own direction switches)."""

    PARTNERS = "partners", _("Partners ↔ CRM accounts")
    DEALS = "deals", _("Registered deals → CRM opportunities")
    LEADS = "leads", _("CRM leads → routed leads, and their outcome back")
    # Before contacts: a CRM contact that is a partner user is linked to the user
    # first (and then not made a partner contact).
    USERS = "users", _("Partner users ↔ CRM contacts")
    CONTACTS = "contacts", _("Partner contacts ↔ CRM contacts")
    CUSTOMERS = "customers", _("Customer accounts ↔ CRM accounts")


class ConflictRule(models.TextChoices):
    CRM_WINS = "crm", _("The CRM wins")
    PRM_WINS = "prm", _("OpenPRM wins")
    NEWEST_WINS = "newest", _("The newest change wins")
    ASK = "ask", _("Ask a person")


class CrmConnection(TimeStampedModel):
    """A connection to one CRM: how to reach it, as whom the sync changes OpenPRM,
    what it keeps in step in which direction, and how often.

    The credentials are stored encrypted (``credentials.py``) and never shown again,
    nor written to the audit trail or the logs.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    connector_type = models.CharField(
        _("connector"), max_length=32, choices=ConnectorType.choices
    )
    # Where the CRM is (a URL, a folder): never a secret.
    config = models.JSONField(_("settings"), default=dict, blank=True)
    credentials_encrypted = models.TextField(blank=True, editable=False)
    # {"partners": {"in": true, "out": true}}: each direction switchable.
    directions = models.JSONField(_("directions"), default=dict, blank=True)
    schedule_minutes = models.PositiveIntegerField(
        _("run every (minutes)"),
        default=15,
        help_text=_("0: only when started by hand."),
    )
    auto_link_score = models.PositiveSmallIntegerField(
        _("link automatically from this similarity"),
        default=95,
        help_text=_(
            "Records this similar (0-100) are linked; less similar candidates wait "
            "for a person to decide."
        ),
    )
    requests_per_second = models.FloatField(_("requests per second"), default=20.0)
    is_active = models.BooleanField(_("active"), default=True)
    run_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changes made as"),
    )
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("CRM connection")
        verbose_name_plural = _("CRM connections")

    def __str__(self) -> str:
        return self.name

    def allows(self, object_type: str, direction: str) -> bool:
        return bool(self.directions.get(object_type, {}).get(direction))

    @property
    def object_types(self) -> list[str]:
        return [
            name
            for name in SyncObject.values
            if self.allows(name, "in") or self.allows(name, "out")
        ]


class SyncMapping(models.Model):
    """One version of a connection's field mapping for one kind of record; a change
    is a new version, the newest is used, older ones stay for the runs that used
    them (see ``mapping.py`` for the field specifications)."""

    connection = models.ForeignKey(
        CrmConnection, on_delete=models.CASCADE, related_name="mappings"
    )
    object_type = models.CharField(max_length=32, choices=SyncObject.choices)
    version = models.PositiveIntegerField()
    fields = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["connection", "object_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "object_type", "version"],
                name="integ_crm_mapping_version_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.connection} {self.object_type} v{self.version}"


class LinkState(models.TextChoices):
    LINKED = "linked", _("Linked")
    # The CRM record is being created: a retry looks for it before creating again.
    CREATING = "creating", _("Being created in the CRM")
    # The record was deleted (or archived, deactivated) on one side: the other side's
    # record is kept, and the link stays so that neither side re-creates it.
    ARCHIVED = "archived", _("Archived: deleted on one side")


class SyncLink(models.Model):
    """An OpenPRM record and its CRM record, with what each side looked like when
    they last agreed (values in OpenPRM's terms, and a hash of each side)."""

    connection = models.ForeignKey(
        CrmConnection, on_delete=models.CASCADE, related_name="links"
    )
    object_type = models.CharField(max_length=32, choices=SyncObject.choices)
    local_id = models.BigIntegerField()
    remote_id = models.CharField(max_length=100, blank=True)
    state = models.CharField(
        max_length=16, choices=LinkState.choices, default=LinkState.LINKED
    )
    local_values = models.JSONField(default=dict)
    remote_values = models.JSONField(default=dict)
    local_hash = models.CharField(max_length=64, blank=True)
    remote_hash = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField(default=timezone.now)
    # When a full listing of the CRM last showed the record (a linked record a full
    # run did not see may have been deleted there: it is looked up).
    seen_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["connection", "object_type", "local_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "object_type", "local_id"],
                name="integ_crm_link_local_uniq",
            ),
            models.UniqueConstraint(
                fields=["connection", "object_type", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="integ_crm_link_remote_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.local_id} ↔ {self.remote_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("Started by hand")
    SCHEDULE = "schedule", _("Scheduled")
    COMMAND = "command", _("Command line")


class SyncRun(models.Model):
    """One pass over a connection's records: resumable from its cursor (saved after
    every page), so that a worker killed mid-run loses nothing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    connection = models.ForeignKey(
        CrmConnection, on_delete=models.CASCADE, related_name="runs"
    )
    object_types = models.JSONField(default=list)
    is_full = models.BooleanField(_("full"), default=False)
    trigger = models.CharField(
        max_length=16, choices=RunTrigger.choices, default=RunTrigger.MANUAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    # {"partners": {"in": <connector cursor>, "in_done": true, "out_after": <id>}}
    cursor = models.JSONField(default=dict)
    mapping_versions = models.JSONField(default=dict)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    linked = models.PositiveIntegerField(_("linked"), default=0)
    skipped = models.PositiveIntegerField(_("unchanged"), default=0)
    conflicts = models.PositiveIntegerField(_("conflicts"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    queued = models.PositiveIntegerField(_("waiting for a person"), default=0)
    archived = models.PositiveIntegerField(_("archived"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["connection", "status"], name="integ_crm_run_status_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.connection} {self.created_at:%Y-%m-%d %H:%M} {self.status}"


class Outcome(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    LINKED = "linked", _("Linked")
    SKIPPED = "skipped", _("Skipped")
    CONFLICT = "conflict", _("Conflict")
    ERROR = "error", _("Error")
    QUEUED = "queued", _("Waiting for a person")
    ARCHIVED = "archived", _("Archived: deleted on one side")


class Direction(models.TextChoices):
    IN = "in", _("CRM → OpenPRM")
    OUT = "out", _("OpenPRM → CRM")


class SyncLogEntry(models.Model):
    """What the sync did to one record (or why it could not), with the CRM's own
    message for an error."""

    connection = models.ForeignKey(
        CrmConnection, on_delete=models.CASCADE, related_name="log"
    )
    run = models.ForeignKey(
        SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="log"
    )
    object_type = models.CharField(max_length=32, choices=SyncObject.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    local_id = models.BigIntegerField(null=True, blank=True)
    remote_id = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["connection", "outcome", "created_at"],
                name="integ_crm_log_outcome_idx",
            ),
            # A connection's log, newest first (its page, every outcome): the
            # page's keys from the index, no sort.
            models.Index(
                fields=["connection", "created_at", "id"],
                name="integ_crm_log_new_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.outcome} {self.label}"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Sent")
    DEAD = "dead", _("Given up")


class OutgoingChange(models.Model):
    """An OpenPRM record changed since it was last sent: sent by the worker, retried
    with backoff, and given up (the dead-letter list) after too many failures, from
    where a person retries it."""

    connection = models.ForeignKey(
        CrmConnection, on_delete=models.CASCADE, related_name="outgoing"
    )
    object_type = models.CharField(max_length=32, choices=SyncObject.choices)
    local_id = models.BigIntegerField()
    status = models.CharField(
        max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A claim that expires: a worker that dies mid-send leaves it to another.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "object_type", "local_id"],
                condition=models.Q(status="pending"),
                name="integ_crm_outgoing_pending_uniq",
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="integ_crm_outgoing_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.local_id} {self.status}"


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    LINKED = "linked", _("Linked")
    CREATED = "created", _("Created as new")
    IGNORED = "ignored", _("Ignored")


class MatchDecision(models.Model):
    """A record the matcher could not place on its own: it looks like one or more
    records of the other side, but not enough to link it without a person."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    connection = models.ForeignKey(
        CrmConnection, on_delete=models.CASCADE, related_name="decisions"
    )
    object_type = models.CharField(max_length=32, choices=SyncObject.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    # The record waiting: a CRM record (direction in) or an OpenPRM one (out).
    local_id = models.BigIntegerField(null=True, blank=True)
    remote_id = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=200)
    values = models.JSONField(default=dict)
    # [{"local_id"|"remote_id": …, "label": …, "score": …, "reasons": [...]}]
    candidates = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "object_type", "direction", "remote_id"],
                condition=models.Q(status="pending", direction="in"),
                name="integ_crm_decision_in_uniq",
            ),
            models.UniqueConstraint(
                fields=["connection", "object_type", "direction", "local_id"],
                condition=models.Q(status="pending", direction="out"),
                name="integ_crm_decision_out_uniq",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ConflictStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a person")
    CRM = "crm", _("The CRM's value taken")
    PRM = "prm", _("OpenPRM's value kept")


class SyncConflict(models.Model):
    """A field both sides changed whose rule is "ask a person": neither side is
    changed until someone chooses one of the two values (console or API)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    connection = models.ForeignKey(
        CrmConnection, on_delete=models.CASCADE, related_name="conflicts"
    )
    object_type = models.CharField(max_length=32, choices=SyncObject.choices)
    local_id = models.BigIntegerField()
    remote_id = models.CharField(max_length=100)
    label = models.CharField(max_length=200)
    field = models.CharField(max_length=64)
    openprm_value = models.TextField(blank=True)
    crm_value = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "object_type", "local_id", "field"],
                condition=models.Q(status="pending"),
                name="integ_crm_conflict_pending_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.field}"
