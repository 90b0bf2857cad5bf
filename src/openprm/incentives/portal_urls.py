"""The incentives app's portal pages (names join "portal:")."""

from django.urls import path

from openprm.incentives import views

urlpatterns = [
    path("earnings/", views.earnings, name="earnings"),
    path("rewards/", views.portal_rewards, name="rewards"),
    path("rewards/<uuid:public_id>/redeem/", views.portal_redeem, name="reward_redeem"),
    path("rewards/orders/<uuid:public_id>/", views.portal_order, name="reward_order"),
    path(
        "rewards/orders/<uuid:public_id>/cancel/",
        views.portal_order_cancel,
        name="reward_order_cancel",
    ),
    path("sales/", views.portal_sales, name="incentive_sales"),
    path(
        "sales/<uuid:public_id>/",
        views.portal_sales_upload,
        name="incentive_sales_upload",
    ),
]
