from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The notification centre: in-app notifications with unread counts, email
    notifications and each user's email preferences.
    """

    name = "openprm.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
