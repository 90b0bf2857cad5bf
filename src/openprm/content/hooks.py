"""What the content app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.content.models import Announcement, Asset, live_q
from openprm.segments.audiences.registry import register_audience_user

# The console's audience explanation lists what a partner sees of these.
register_audience_user(_("Assets"), Asset, live_q=live_q)
register_audience_user(_("Announcements"), Announcement, live_q=live_q)
