from django.urls import include, path

from openprm.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("switch/", views.switch_partner, name="switch_partner"),
    path("resellers/", views.resellers, name="resellers"),
    path("resellers/invite/", views.reseller_invite, name="reseller_invite"),
    # Pages that other apps contribute to the portal (names join "portal:").
    path("", include("openprm.core.portal_urls")),
    path("", include("openprm.tenancy.portal_urls")),
    path("", include("openprm.partners.portal_urls")),
    path("", include("openprm.partners.profile.portal_urls")),
    path("", include("openprm.programs.portal_urls")),
    path("", include("openprm.deals.portal_urls")),
    path("", include("openprm.deals.pipeline.portal_urls")),
    path("", include("openprm.leads.portal_urls")),
    path("", include("openprm.onboarding.portal_urls")),
    path("", include("openprm.journeys.portal_urls")),
    path("", include("openprm.agreements.portal_urls")),
    path("", include("openprm.notifications.portal_urls")),
    path("", include("openprm.campaigns.portal_urls")),
    path("", include("openprm.content.portal_urls")),
    path("", include("openprm.certifications.portal_urls")),
    path("", include("openprm.funds.portal_urls")),
    path("", include("openprm.learning.portal_urls")),
    path("", include("openprm.incentives.portal_urls")),
    path("", include("openprm.accruals.portal_urls")),
    path("", include("openprm.metrics.portal_urls")),
]
