from django.urls import path

from openprm.currencies import views

urlpatterns = [
    path("exchange-rates/", views.exchange_rate_list, name="exchange_rate_list"),
    path(
        "exchange-rates/new/",
        views.exchange_rate_create,
        name="exchange_rate_create",
    ),
    path(
        "exchange-rates/<int:rate_id>/edit/",
        views.exchange_rate_update,
        name="exchange_rate_update",
    ),
    path(
        "exchange-rates/<int:rate_id>/delete/",
        views.exchange_rate_delete,
        name="exchange_rate_delete",
    ),
]
