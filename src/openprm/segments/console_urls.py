from django.urls import include, path

from openprm.segments import views

urlpatterns = [
    path("", include("openprm.segments.audiences.urls")),
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/new/", views.segment_create, name="segment_create"),
    path("segments/preview/", views.segment_preview, name="segment_preview"),
    path(
        "segments/rule-builder/",
        views.segment_rule_builder,
        name="segment_rule_builder",
    ),
    path("segments/<uuid:public_id>/", views.segment_detail, name="segment_detail"),
    path("segments/<uuid:public_id>/count/", views.segment_count, name="segment_count"),
    path(
        "segments/<uuid:public_id>/export.csv",
        views.segment_export_csv,
        name="segment_export_csv",
    ),
    path(
        "segments/<uuid:public_id>/export.xlsx",
        views.segment_export_xlsx,
        name="segment_export_xlsx",
    ),
    path(
        "segments/<uuid:public_id>/edit/", views.segment_update, name="segment_update"
    ),
    path(
        "segments/<uuid:public_id>/delete/",
        views.segment_delete,
        name="segment_delete",
    ),
    path(
        "segments/<uuid:public_id>/members/add/",
        views.segment_member_add,
        name="segment_member_add",
    ),
    path(
        "segments/<uuid:public_id>/members/remove/",
        views.segment_member_remove,
        name="segment_member_remove",
    ),
]
