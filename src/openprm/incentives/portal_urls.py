"""The incentives app's portal pages (names join "portal:")."""

from django.urls import path

from openprm.incentives import views

urlpatterns = [
    path("earnings/", views.earnings, name="earnings"),
    path("sales/", views.portal_sales, name="incentive_sales"),
    path(
        "sales/<uuid:public_id>/",
        views.portal_sales_upload,
        name="incentive_sales_upload",
    ),
]
