"""Partner portal content: folders, tags, assets with their versions, co-branded
copies, announcements with their receipts, and the engagement record."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.content.choices import ActivityKind, AssetKind
from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet


def live_q(now=None) -> Q:
    """Published and not expired at ``now`` (an asset's or an announcement's
    window; ``Asset.is_live`` for one row)."""
    now = now or timezone.now()
    return Q(publish_at__isnull=False, publish_at__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


class Folder(TimeStampedModel):
    """A collection of the library (folders nest)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent folder"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("folder")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="content_folder_name_unique"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="content_folder_top_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A word assets are found by."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name


class Asset(TimeStampedModel):
    """An item of the library: a file (with versions), a link or a rich-text page,
    shown to its audience between ``publish_at`` and ``expires_at``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=AssetKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    folder = models.ForeignKey(
        Folder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("folder"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="assets")
    # An ISO 639-1 code ("en", "de"); "" for any language.
    language = models.CharField(_("language"), max_length=8, blank=True)
    product_lines = models.JSONField(_("product lines"), default=list, blank=True)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to="content/thumbnails/", blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
    )
    # A link's address; a page's body (HTML, sanitised when it is saved).
    url = models.URLField(_("address"), blank=True, max_length=2000)
    body = models.TextField(_("body"), blank=True)
    # None: a draft nobody in the portal sees yet.
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    # None: shown until unpublished by hand.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    is_cobrandable = models.BooleanField(_("co-brandable"), default=False)
    # Where a partner's details are stamped on a co-branded copy: a list of zones,
    # e.g. {"kind": "logo", "page": 1, "x": 36, "y": 720, "width": 144,
    # "height": 48} or {"kind": "text", "field": "name", ...} (PDF points).
    cobrand_zones = models.JSONField(_("co-branding zones"), default=list, blank=True)
    current_version = models.ForeignKey(
        "AssetVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    # Downloads so far (the "most used" order), counted with F().
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    # What search reads, lower-cased: title, summary, tags and a PDF's text.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("asset")
        indexes = [
            # The reader's live assets by audience, covering what the portal
            # library counts and offers as filters (language, folder, product
            # lines): the count and the facets read the index alone, not the
            # table's wide rows (search text, body).
            models.Index(
                fields=[
                    "audience",
                    "publish_at",
                    "expires_at",
                    "language",
                    "folder",
                    "product_lines",
                ],
                name="content_asset_reader_idx",
            ),
            models.Index(fields=["publish_at", "id"], name="content_asset_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssetKind.values), name="content_asset_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_live(self, now=None) -> bool:
        """Published and not expired."""
        now = now or timezone.now()
        return (
            self.publish_at is not None
            and self.publish_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )


class AssetVersion(TimeStampedModel):
    """One uploaded file of an asset; a new version replaces the file shown, the
    history stays."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    file = models.FileField(_("file"), upload_to="content/assets/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    # A PDF's text, for search.
    text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["asset_id", "-number"]
        verbose_name = _("asset version")
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "number"], name="content_version_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} v{self.number}"


class CobrandedCopy(PartnerOwnedModel, TimeStampedModel):
    """A partner's copy of a co-brandable version with its details stamped in, made
    once and served again until the version or the partner's details change (the
    fingerprint is of the details that were stamped)."""

    version = models.ForeignKey(
        AssetVersion, on_delete=models.CASCADE, related_name="cobranded_copies"
    )
    fingerprint = models.CharField(max_length=64)
    file = models.FileField(upload_to="content/cobranded/%Y/%m/")

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["version_id", "partner_id", "-id"]
        verbose_name = _("co-branded copy")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "partner", "fingerprint"],
                name="content_cobranded_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} for partner {self.partner_id}"


class Announcement(TimeStampedModel):
    """News for an audience, written in the console: pinned on top, shown until it
    expires, perhaps to be acknowledged by every reader, announced by a
    notification and an email when it is published."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    # HTML, sanitised when it is saved.
    body = models.TextField(_("body"))
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    requires_acknowledgement = models.BooleanField(
        _("requires acknowledgement"), default=False
    )
    sends_notification = models.BooleanField(_("notify the audience"), default=True)
    # When its notification went out (once, by the worker's sweep or on publishing).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )

    class Meta:
        ordering = ["-is_pinned", "-publish_at", "-id"]
        verbose_name = _("announcement")
        indexes = [
            models.Index(
                fields=["audience", "publish_at", "id"],
                name="content_announce_audience_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementReceipt(PartnerOwnedModel):
    """One user's reading of an announcement (for the organisation they read it
    for): when read, acknowledged and reminded."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["announcement_id", "user_id"]
        verbose_name = _("announcement receipt")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user"], name="content_receipt_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.announcement} read by {self.user_id}"


class ContentActivity(PartnerOwnedModel):
    """One view or download of an asset, or one reading of an announcement, by a
    partner user for their organisation: what engagement figures count."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(max_length=32, choices=ActivityKind.choices)
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, null=True, related_name="activities"
    )
    version = models.ForeignKey(
        AssetVersion, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, null=True, related_name="activities"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("content activity")
        verbose_name_plural = _("content activity")
        indexes = [
            models.Index(
                fields=["partner", "occurred_at"], name="content_activity_partner_idx"
            ),
            models.Index(
                fields=["asset", "occurred_at"], name="content_activity_asset_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"


class LibraryVisit(models.Model):
    """When a user last opened the library, for "new since my last visit"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    last_seen_at = models.DateTimeField()
    # The visit before the last: what "new since my last visit" compares with.
    previous_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("library visit")

    def __str__(self) -> str:
        return f"user {self.user_id} at {self.last_seen_at:%Y-%m-%d %H:%M}"
