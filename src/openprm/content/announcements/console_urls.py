"""Announcement pages in the console (names join "console:")."""

from django.urls import path

from openprm.content.announcements import views

urlpatterns = [
    path("announcements/", views.announcement_list, name="announcements"),
    path("announcements/new/", views.announcement_create, name="announcement_create"),
    path(
        "announcements/<uuid:public_id>/",
        views.announcement_detail,
        name="announcement",
    ),
    path(
        "announcements/<uuid:public_id>/edit/",
        views.announcement_edit,
        name="announcement_edit",
    ),
    path(
        "announcements/<uuid:public_id>/publish/",
        views.announcement_publish,
        name="announcement_publish",
    ),
]
