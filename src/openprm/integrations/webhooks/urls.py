from django.urls import path

from openprm.integrations.webhooks import views

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/new/", views.webhook_create, name="webhook_create"),
    path(
        "webhooks/deliveries/",
        views.webhook_delivery_list,
        name="webhook_delivery_list",
    ),
    path(
        "webhooks/deliveries/<uuid:public_id>/",
        views.webhook_delivery_detail,
        name="webhook_delivery_detail",
    ),
    path(
        "webhooks/deliveries/<uuid:public_id>/retry/",
        views.webhook_delivery_retry,
        name="webhook_delivery_retry",
    ),
    path(
        "webhooks/deliveries/<uuid:public_id>/attempts/<int:number>/",
        views.webhook_attempt_detail,
        name="webhook_attempt_detail",
    ),
    path("webhooks/<uuid:public_id>/", views.webhook_detail, name="webhook_detail"),
    path(
        "webhooks/<uuid:public_id>/edit/", views.webhook_update, name="webhook_update"
    ),
    path(
        "webhooks/<uuid:public_id>/active/",
        views.webhook_set_active,
        name="webhook_set_active",
    ),
    path(
        "webhooks/<uuid:public_id>/delete/",
        views.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "webhooks/<uuid:public_id>/rotate-secret/",
        views.webhook_rotate_secret,
        name="webhook_rotate_secret",
    ),
    path(
        "webhooks/<uuid:public_id>/test/",
        views.webhook_test_send,
        name="webhook_test_send",
    ),
]
