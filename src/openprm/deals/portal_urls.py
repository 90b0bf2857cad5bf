"""Deals pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.deals import views

urlpatterns = [
    path("deals/", views.portal_deal_list, name="deal_list"),
    path("deals/register/", views.portal_deal_register, name="deal_register"),
    path(
        "deals/register/conflicts/",
        views.portal_deal_conflict_preview,
        name="deal_conflict_preview",
    ),
    path("deals/<uuid:public_id>/", views.portal_deal_detail, name="deal_detail"),
    path(
        "deals/<uuid:public_id>/answer/", views.portal_deal_answer, name="deal_answer"
    ),
    path(
        "deals/<uuid:public_id>/extension/",
        views.portal_deal_extension,
        name="deal_extension",
    ),
    path("deals/<uuid:public_id>/won/", views.portal_deal_won, name="deal_won"),
    path("deals/<uuid:public_id>/lost/", views.portal_deal_lost, name="deal_lost"),
    path(
        "deals/<uuid:public_id>/attachments/<uuid:attachment_id>/",
        views.portal_attachment,
        name="deal_attachment",
    ),
]
