"""The integrations' console pages (names join "console:")."""

from django.urls import include, path

urlpatterns = [
    path("", include("openprm.integrations.exports.urls")),
    path("", include("openprm.integrations.imports.urls")),
    path("", include("openprm.integrations.webhooks.urls")),
    path("", include("openprm.integrations.crm.urls")),
]
