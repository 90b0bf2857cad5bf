"""Funds pages in the portal (names join "portal:")."""

from django.urls import path

from openprm.funds import views

urlpatterns = [
    path("funds/", views.portal_funds, name="funds"),
    path("funds/history/", views.portal_history, name="fund_history"),
    path("funds/requests/new/", views.portal_request_new, name="fund_request_new"),
    path(
        "funds/requests/<uuid:public_id>/",
        views.portal_request_detail,
        name="fund_request_detail",
    ),
    path(
        "funds/requests/<uuid:public_id>/submit/",
        views.portal_request_submit,
        name="fund_request_submit",
    ),
    path(
        "funds/requests/<uuid:public_id>/claim/",
        views.portal_claim_new,
        name="fund_claim_new",
    ),
    path(
        "funds/requests/<uuid:public_id>/close/",
        views.portal_request_close,
        name="fund_request_close",
    ),
    path(
        "funds/requests/<uuid:public_id>/answer/",
        views.portal_request_answer,
        name="fund_request_answer",
    ),
    path(
        "funds/requests/<uuid:public_id>/attribute/",
        views.portal_attribution_propose,
        name="fund_attribution_propose",
    ),
    path(
        "funds/requests/<uuid:public_id>/plan/",
        views.portal_request_plan,
        name="fund_request_plan",
    ),
    path(
        "funds/claims/<uuid:public_id>/files/<uuid:file_id>/",
        views.portal_claim_file,
        name="fund_claim_file",
    ),
]
