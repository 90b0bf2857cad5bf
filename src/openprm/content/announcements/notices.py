"""Notification kinds of announcements (see ``notifications.kinds``)."""

from django.utils.translation import gettext_lazy as _

from openprm.content.announcements.services import PUBLISHED_KIND, REMINDER_KIND
from openprm.notifications import kinds

kinds.register(PUBLISHED_KIND, _("A new announcement for your organisation"))
kinds.register(REMINDER_KIND, _("A reminder to acknowledge an announcement"))
