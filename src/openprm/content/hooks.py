"""What the content app plugs into the layers below it, at start-up."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.content.models import Announcement, Asset
from openprm.segments.audiences.registry import register_audience_user


def live_q() -> Q:
    """Published and not expired, now (an asset's or an announcement's)."""
    now = timezone.now()
    return Q(publish_at__lte=now) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


# The console's audience explanation lists what a partner sees of these.
register_audience_user(_("Assets"), Asset, live_q=live_q)
register_audience_user(_("Announcements"), Announcement, live_q=live_q)
