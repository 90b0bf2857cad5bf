from django.urls import path

from openprm.integrations.imports import views

urlpatterns = [
    path("partners/import/", views.import_start, name="import_start"),
    path(
        "partners/import/<uuid:public_id>/",
        views.import_detail,
        name="import_detail",
    ),
    path(
        "partners/import/<uuid:public_id>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
]
