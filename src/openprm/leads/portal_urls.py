"""Leads pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.leads import views

urlpatterns = [
    path("leads/", views.portal_lead_list, name="lead_list"),
    path("leads/<uuid:public_id>/", views.portal_lead_detail, name="lead_detail"),
    path(
        "leads/<uuid:public_id>/accept/",
        views.portal_lead_accept,
        name="lead_accept",
    ),
    path(
        "leads/<uuid:public_id>/reject/",
        views.portal_lead_reject,
        name="lead_reject",
    ),
    path(
        "leads/<uuid:public_id>/status/",
        views.portal_lead_status,
        name="lead_status",
    ),
    path("leads/<uuid:public_id>/note/", views.portal_lead_note, name="lead_note"),
    path(
        "leads/<uuid:public_id>/convert/",
        views.portal_lead_convert,
        name="lead_convert",
    ),
]
