"""Scheduled reports in the console (names join "console:")."""

from django.urls import path

from openprm.reports import views

urlpatterns = [
    path("insights/scheduled-reports/", views.report_list, name="scheduled_reports"),
    path(
        "insights/scheduled-reports/new/",
        views.report_create,
        name="scheduled_report_create",
    ),
    path(
        "insights/scheduled-reports/<uuid:public_id>/",
        views.report_edit,
        name="scheduled_report_edit",
    ),
    path(
        "insights/scheduled-reports/<uuid:public_id>/delete/",
        views.report_delete,
        name="scheduled_report_delete",
    ),
    path(
        "insights/scheduled-reports/<uuid:public_id>/send/",
        views.report_send,
        name="scheduled_report_send",
    ),
]
