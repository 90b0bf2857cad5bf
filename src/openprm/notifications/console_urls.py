"""Notification centre pages in the console (names join "console:")."""

from django.urls import path

from openprm.notifications import views

urlpatterns = [
    path("notifications/", views.console_list, name="notification_list"),
    path("notifications/badge/", views.console_badge, name="notification_badge"),
    path(
        "notifications/read-all/",
        views.console_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/preferences/",
        views.console_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/<uuid:public_id>/read/",
        views.console_read,
        name="notification_read",
    ),
]
