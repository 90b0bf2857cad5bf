"""Notification centre pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.notifications import views

urlpatterns = [
    path("notifications/", views.portal_list, name="notification_list"),
    path("notifications/badge/", views.portal_badge, name="notification_badge"),
    path(
        "notifications/read-all/",
        views.portal_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/preferences/",
        views.portal_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/<uuid:public_id>/read/",
        views.portal_read,
        name="notification_read",
    ),
]
