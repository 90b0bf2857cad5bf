"""The console pages of SPIFFs, rebates and payouts (names join "console:")."""

from django.urls import path

from openprm.accruals import views

urlpatterns = [
    path("spiffs/", views.spiff_list, name="accrual_spiffs"),
    path("spiffs/new/", views.spiff_create, name="accrual_spiff_create"),
    path("spiffs/<uuid:public_id>/", views.spiff_detail, name="accrual_spiff"),
    path("spiffs/<uuid:public_id>/edit/", views.spiff_edit, name="accrual_spiff_edit"),
    path("rebates/", views.programme_list, name="accrual_rebates"),
    path("rebates/new/", views.programme_create, name="accrual_rebate_create"),
    path("rebates/<uuid:public_id>/", views.programme_detail, name="accrual_rebate"),
    path(
        "rebates/<uuid:public_id>/edit/",
        views.programme_edit,
        name="accrual_rebate_edit",
    ),
    path(
        "rebates/<uuid:public_id>/calculate/",
        views.programme_calculate,
        name="accrual_rebate_calculate",
    ),
    path("payouts/", views.payout_list, name="accrual_payouts"),
    path("payouts/request/", views.payout_request, name="accrual_payout_request"),
    path("payouts/export/", views.payout_export, name="accrual_payouts_export"),
    path(
        "payouts/<uuid:public_id>/approve/",
        views.payout_approve,
        name="accrual_payout_approve",
    ),
    path(
        "payouts/<uuid:public_id>/reject/",
        views.payout_reject,
        name="accrual_payout_reject",
    ),
    path(
        "money/<uuid:public_id>/",
        views.money_account_detail,
        name="accrual_money_account",
    ),
    path("sales-returns/", views.return_list, name="accrual_returns"),
    path(
        "sales-returns/<uuid:public_id>/",
        views.sales_line_return,
        name="accrual_return_create",
    ),
]
