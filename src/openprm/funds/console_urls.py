"""Funds pages in the console (names join "console:")."""

from django.urls import path

from openprm.funds import views

urlpatterns = [
    path("funds/", views.console_overview, name="fund_overview"),
    path("funds/years/", views.console_fiscal_year_create, name="fund_year_create"),
    path("funds/new/", views.console_fund_create, name="fund_create"),
    path(
        "funds/activity-types/",
        views.console_activity_types,
        name="fund_activity_types",
    ),
    path(
        "funds/activity-types/<int:type_id>/",
        views.console_activity_type_edit,
        name="fund_activity_type_edit",
    ),
    path("funds/budgets/new/", views.console_budget_create, name="fund_budget_create"),
    path("funds/budgets/<uuid:public_id>/", views.console_budget, name="fund_budget"),
    path("funds/requests/", views.console_requests, name="fund_requests"),
    path("funds/reports/", views.console_reports, name="fund_reports"),
    path(
        "funds/reports/export/",
        views.console_reports_export,
        name="fund_reports_export",
    ),
    path(
        "funds/requests/export/",
        views.console_requests_export,
        name="fund_requests_export",
    ),
    path(
        "funds/requests/<uuid:public_id>/",
        views.console_request_detail,
        name="fund_request_detail",
    ),
    path(
        "funds/requests/<uuid:public_id>/approve/",
        views.console_request_approve,
        name="fund_request_approve",
    ),
    path(
        "funds/requests/<uuid:public_id>/reject/",
        views.console_request_reject,
        name="fund_request_reject",
    ),
    path(
        "funds/requests/<uuid:public_id>/plan/",
        views.console_request_plan,
        name="fund_request_plan",
    ),
    path(
        "funds/claims/<uuid:public_id>/",
        views.console_claim_detail,
        name="fund_claim_detail",
    ),
    path(
        "funds/claims/<uuid:public_id>/approve/",
        views.console_claim_approve,
        name="fund_claim_approve",
    ),
    path(
        "funds/claims/<uuid:public_id>/reject/",
        views.console_claim_reject,
        name="fund_claim_reject",
    ),
    path(
        "funds/claims/<uuid:public_id>/files/<uuid:file_id>/",
        views.console_claim_file,
        name="fund_claim_file",
    ),
    path("funds/payouts/", views.console_payouts, name="fund_payouts"),
    path("funds/payouts/export/", views.console_payouts_csv, name="fund_payouts_csv"),
    path(
        "funds/payouts/<uuid:public_id>/approve/",
        views.console_payout_approve,
        name="fund_payout_approve",
    ),
    path(
        "funds/payouts/<uuid:public_id>/paid/",
        views.console_payout_record,
        name="fund_payout_record",
    ),
    path(
        "funds/attributions/<uuid:public_id>/decide/",
        views.console_attribution_decide,
        name="fund_attribution_decide",
    ),
]
