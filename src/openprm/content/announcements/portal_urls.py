"""Announcement pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.content.announcements import views

urlpatterns = [
    path("announcements/", views.portal_announcement_list, name="announcements"),
    path(
        "announcements/<uuid:public_id>/",
        views.portal_announcement_detail,
        name="announcement",
    ),
    path(
        "announcements/<uuid:public_id>/acknowledge/",
        views.portal_announcement_acknowledge,
        name="announcement_acknowledge",
    ),
]
