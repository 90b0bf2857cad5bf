from django.db import models
from django.utils.translation import gettext_lazy as _


class VendorRole(models.TextChoices):
    VENDOR_ADMIN = "vendor_admin", _("Vendor admin")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    CHANNEL_MARKETING = "channel_marketing", _("Channel marketing")
    FINANCE = "finance", _("Finance")
    ANALYST = "analyst", _("Analyst")
