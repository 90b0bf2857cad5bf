"""Deals pages in the console (names join "console:")."""

from django.urls import path

from openprm.deals import views

urlpatterns = [
    path("deals/", views.deal_list, name="deal_list"),
    path("deals/review/", views.deal_queue, name="deal_queue"),
    path("deals/<uuid:public_id>/", views.deal_detail, name="deal_detail"),
    path("deals/<uuid:public_id>/approve/", views.deal_approve, name="deal_approve"),
    path("deals/<uuid:public_id>/reject/", views.deal_reject, name="deal_reject"),
    path(
        "deals/<uuid:public_id>/request-info/",
        views.deal_request_info,
        name="deal_request_info",
    ),
    path(
        "deals/<uuid:public_id>/extensions/<int:extension_id>/",
        views.deal_extension_decide,
        name="deal_extension_decide",
    ),
    path(
        "deals/<uuid:public_id>/attachments/<uuid:attachment_id>/",
        views.console_attachment,
        name="deal_attachment",
    ),
]
