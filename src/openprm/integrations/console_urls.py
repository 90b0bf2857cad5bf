from django.urls import path

from openprm.integrations.exports import views as views_exports
from openprm.integrations.imports import views as views_imports
from openprm.integrations.webhooks import views

urlpatterns = [
    path(
        "partners/export.csv",
        views_exports.partner_export_csv,
        name="partner_export_csv",
    ),
    path(
        "partners/export.xlsx",
        views_exports.partner_export_xlsx,
        name="partner_export_xlsx",
    ),
    path("partners/import/", views_imports.import_start, name="import_start"),
    path(
        "partners/import/<uuid:public_id>/",
        views_imports.import_detail,
        name="import_detail",
    ),
    path(
        "partners/import/<uuid:public_id>/confirm/",
        views_imports.import_confirm,
        name="import_confirm",
    ),
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
