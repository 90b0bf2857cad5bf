"""The library's portal pages (names join "portal:")."""

from django.urls import path

from openprm.content.library import views

urlpatterns = [
    path("library/", views.portal_library, name="library"),
    path("library/newest/", views.portal_newest, name="library_newest"),
    path("library/<uuid:public_id>/", views.portal_asset, name="library_asset"),
    path(
        "library/<uuid:public_id>/download/",
        views.portal_download,
        name="library_download",
    ),
    path(
        "library/<uuid:public_id>/thumbnail/",
        views.portal_thumbnail,
        name="library_thumbnail",
    ),
]
