from django.urls import include, path

from openprm.console import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/filters/", views.partner_filter_panel, name="partner_filters"),
    path("partners/views/", views.partner_view_create, name="partner_view_create"),
    path(
        "partners/views/<uuid:public_id>/",
        views.partner_view_update,
        name="partner_view_update",
    ),
    path(
        "partners/views/<uuid:public_id>/delete/",
        views.partner_view_delete,
        name="partner_view_delete",
    ),
    # Pages that other apps contribute to the console (names join "console:").
    path("", include("openprm.core.console_urls")),
    path("", include("openprm.tenancy.console_urls")),
    path("", include("openprm.integrations.console_urls")),
    path("", include("openprm.partners.console_urls")),
    path("", include("openprm.partners.lifecycle.console_urls")),
    path("", include("openprm.partners.profile.console_urls")),
    path("", include("openprm.programs.console_urls")),
    path("", include("openprm.segments.console_urls")),
    path("", include("openprm.scoring.console_urls")),
    path("", include("openprm.currencies.console_urls")),
    path("", include("openprm.deals.console_urls")),
    path("", include("openprm.deals.pipeline.console_urls")),
    path("", include("openprm.leads.console_urls")),
    path("", include("openprm.approvals.console_urls")),
    path("", include("openprm.onboarding.console_urls")),
    path("", include("openprm.journeys.console_urls")),
    path("", include("openprm.agreements.console_urls")),
    path("", include("openprm.notifications.console_urls")),
    path("", include("openprm.campaigns.console_urls")),
    path("", include("openprm.content.console_urls")),
    path("", include("openprm.certifications.console_urls")),
    path("", include("openprm.funds.console_urls")),
    path("", include("openprm.learning.console_urls")),
    path("", include("openprm.incentives.console_urls")),
    path("", include("openprm.accruals.console_urls")),
    path("", include("openprm.metrics.console_urls")),
    path("", include("openprm.reports.console_urls")),
]
