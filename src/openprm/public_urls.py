"""Pages anyone may open without signing in (names join "public:").

Application forms, tracked campaign links and unsubscribe pages live here; every view
must treat its input as hostile (rate limits, honeypots, signed tokens).
"""

from django.urls import include, path

app_name = "public"

urlpatterns = [
    path("apply/", include("openprm.onboarding.public_urls")),
    path("c/", include("openprm.campaigns.public_urls")),
    path("verify/", include("openprm.certifications.public_urls")),
]
