from django.urls import path

from openprm.integrations.exports import views

urlpatterns = [
    path(
        "partners/export.csv",
        views.partner_export_csv,
        name="partner_export_csv",
    ),
    path(
        "partners/export.xlsx",
        views.partner_export_xlsx,
        name="partner_export_xlsx",
    ),
]
