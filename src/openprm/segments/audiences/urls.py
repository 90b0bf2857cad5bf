"""The audience pages of the console (names join "console:")."""

from django.urls import path

from openprm.segments.audiences import views

urlpatterns = [
    path("audiences/", views.audience_list, name="audience_list"),
    path("audiences/new/", views.audience_create, name="audience_create"),
    path("audiences/preview/", views.audience_preview, name="audience_preview"),
    path(
        "audiences/rule-builder/",
        views.audience_rule_builder,
        name="audience_rule_builder",
    ),
    path("audiences/explain/", views.audience_explain, name="audience_explain"),
    path(
        "audiences/<uuid:public_id>/edit/",
        views.audience_update,
        name="audience_update",
    ),
    path(
        "audiences/<uuid:public_id>/deactivate/",
        views.audience_deactivate,
        name="audience_deactivate",
    ),
]
