from django.urls import path

from openprm.core import rate_views, views

urlpatterns: list = [
    path("audit/", views.console_audit_list, name="audit_list"),
    path("audit/<int:entry_id>/", views.console_audit_detail, name="audit_detail"),
    path("events/", views.event_list, name="event_list"),
    path("events/<uuid:event_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:event_id>/replay/", views.event_replay, name="event_replay"),
    path("exchange-rates/", rate_views.exchange_rate_list, name="exchange_rate_list"),
    path(
        "exchange-rates/new/",
        rate_views.exchange_rate_create,
        name="exchange_rate_create",
    ),
    path(
        "exchange-rates/<int:rate_id>/edit/",
        rate_views.exchange_rate_update,
        name="exchange_rate_update",
    ),
    path(
        "exchange-rates/<int:rate_id>/delete/",
        rate_views.exchange_rate_delete,
        name="exchange_rate_delete",
    ),
]
