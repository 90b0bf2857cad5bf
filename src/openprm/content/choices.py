from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")
    PAGE = "page", _("Page")


class ActivityKind(models.TextChoices):
    """What a partner user did with a piece of content (the engagement record)."""

    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    COBRANDED_DOWNLOAD = "cobranded_download", _("Downloaded a co-branded copy")
    ANNOUNCEMENT_READ = "announcement_read", _("Read an announcement")
    ANNOUNCEMENT_ACKNOWLEDGED = (
        "announcement_acknowledged",
        _("Acknowledged an announcement"),
    )
