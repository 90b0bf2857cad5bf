"""Leads pages in the console (names join "console:")."""

from django.urls import path

from openprm.leads import views

urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/import/", views.lead_import, name="lead_import"),
    path("leads/route-waiting/", views.lead_route_waiting, name="lead_route_waiting"),
    path("leads/rules/", views.rule_list, name="lead_rule_list"),
    path("leads/rules/new/", views.rule_create, name="lead_rule_create"),
    path(
        "leads/rules/<uuid:public_id>/edit/",
        views.rule_update,
        name="lead_rule_update",
    ),
    path(
        "leads/rules/<uuid:public_id>/delete/",
        views.rule_delete,
        name="lead_rule_delete",
    ),
    path("leads/capacity/", views.capacity_list, name="lead_capacity"),
    path("leads/<uuid:public_id>/", views.lead_detail, name="lead_detail"),
    path("leads/<uuid:public_id>/route/", views.lead_route, name="lead_route"),
    path("leads/<uuid:public_id>/recall/", views.lead_recall, name="lead_recall"),
    path("leads/<uuid:public_id>/note/", views.lead_note, name="lead_note"),
]
