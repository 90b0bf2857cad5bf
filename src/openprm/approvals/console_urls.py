"""Approvals pages in the console (names join "console:")."""

from django.urls import path

from openprm.approvals import views

urlpatterns = [
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("approvals/absences/", views.delegation_list, name="approval_delegations"),
    path("approvals/chains/", views.chain_list, name="approval_chains"),
    path(
        "approvals/chains/<str:kind>/new/",
        views.chain_step_new,
        name="approval_chain_step_new",
    ),
    path(
        "approvals/chains/steps/<int:step_id>/",
        views.chain_step_edit,
        name="approval_chain_step_edit",
    ),
    path(
        "approvals/chains/steps/<int:step_id>/move/",
        views.chain_step_move,
        name="approval_chain_step_move",
    ),
    path(
        "approvals/chains/steps/<int:step_id>/delete/",
        views.chain_step_delete,
        name="approval_chain_step_delete",
    ),
    path(
        "approvals/absences/<int:delegation_id>/end/",
        views.delegation_end,
        name="approval_delegation_end",
    ),
    path("approvals/<uuid:public_id>/", views.approval_detail, name="approval_detail"),
    path(
        "approvals/<uuid:public_id>/approve/",
        views.approval_approve,
        name="approval_approve",
    ),
    path(
        "approvals/<uuid:public_id>/reject/",
        views.approval_reject,
        name="approval_reject",
    ),
    path(
        "approvals/<uuid:public_id>/request-info/",
        views.approval_request_info,
        name="approval_request_info",
    ),
]
