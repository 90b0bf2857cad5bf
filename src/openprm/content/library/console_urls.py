"""The library's console pages (names join "console:")."""

from django.urls import path

from openprm.content.library import views

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/new/", views.asset_create, name="library_asset_create"),
    path("library/expired/", views.expired, name="library_expired"),
    path("library/folders/", views.folders, name="library_folders"),
    path("library/folders/new/", views.folder_create, name="library_folder_create"),
    path(
        "library/partners/<uuid:public_id>/engagement/",
        views.partner_engagement,
        name="library_partner_engagement",
    ),
    path("library/<uuid:public_id>/", views.asset_detail, name="library_asset"),
    path("library/<uuid:public_id>/edit/", views.asset_edit, name="library_asset_edit"),
    path(
        "library/<uuid:public_id>/versions/",
        views.asset_version_add,
        name="library_version_add",
    ),
    path(
        "library/<uuid:public_id>/versions/<int:number>/download/",
        views.asset_version_download,
        name="library_version_download",
    ),
    path(
        "library/<uuid:public_id>/unpublish/",
        views.asset_unpublish,
        name="library_asset_unpublish",
    ),
    path(
        "library/<uuid:public_id>/thumbnail/",
        views.asset_thumbnail,
        name="library_thumbnail",
    ),
    path("library/<uuid:public_id>/usage/", views.asset_usage, name="library_usage"),
]
