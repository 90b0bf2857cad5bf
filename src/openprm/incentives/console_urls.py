"""The incentives app's console pages (names join "console:")."""

from django.urls import path

from openprm.incentives import views

urlpatterns = [
    path("incentives/products/", views.product_list, name="incentive_products"),
    path(
        "incentives/products/import/",
        views.product_import,
        name="incentive_product_import",
    ),
    path("incentives/rules/", views.rule_list, name="incentive_rules"),
    path(
        "incentives/settings/",
        views.incentive_settings,
        name="incentive_settings",
    ),
    path("incentives/rules/new/", views.rule_create, name="incentive_rule_create"),
    path(
        "incentives/rules/<uuid:public_id>/",
        views.rule_edit,
        name="incentive_rule_edit",
    ),
    path(
        "incentives/rules/<uuid:public_id>/preview/",
        views.rule_preview,
        name="incentive_rule_preview",
    ),
    path(
        "incentives/leaderboard/",
        views.leaderboard_page,
        name="incentive_leaderboard",
    ),
    path("incentives/ledgers/", views.account_list, name="incentive_accounts"),
    path(
        "incentives/ledgers/<uuid:public_id>/",
        views.account_detail,
        name="incentive_account",
    ),
    path(
        "incentives/ledgers/<uuid:public_id>/adjust/",
        views.account_adjust,
        name="incentive_account_adjust",
    ),
    path("incentives/rewards/", views.reward_list, name="incentive_rewards"),
    path(
        "incentives/rewards/new/", views.reward_create, name="incentive_reward_create"
    ),
    path(
        "incentives/rewards/<uuid:public_id>/",
        views.reward_edit,
        name="incentive_reward_edit",
    ),
    path(
        "incentives/orders/<uuid:public_id>/",
        views.order_detail,
        name="incentive_order",
    ),
    path(
        "incentives/orders/<uuid:public_id>/fulfilment/",
        views.order_report,
        name="incentive_order_report",
    ),
    path(
        "incentives/fulfilment/",
        views.fulfilment_settings,
        name="incentive_fulfilment",
    ),
    path(
        "incentives/fulfilment/providers/<slug:name>/",
        views.fulfilment_configure,
        name="incentive_fulfilment_configure",
    ),
    path(
        "incentives/fulfilment/export/",
        views.fulfilment_export,
        name="incentive_fulfilment_export",
    ),
    path(
        "incentives/fulfilment/statuses/",
        views.fulfilment_import,
        name="incentive_fulfilment_import",
    ),
    path("incentives/sales/", views.sales_upload_list, name="incentive_sales"),
    path(
        "incentives/sales/upload/",
        views.sales_upload_create,
        name="incentive_sales_upload_create",
    ),
    path(
        "incentives/sales/<uuid:public_id>/",
        views.sales_upload_detail,
        name="incentive_sales_upload",
    ),
]
