"""The content app's console pages (names join "console:"): each part's urls."""

from django.urls import include, path

from openprm.content.cobranding.urls import console_urlpatterns as cobranding_urls

urlpatterns: list = [
    path("", include("openprm.content.library.console_urls")),
    *cobranding_urls,
    path("", include("openprm.content.announcements.console_urls")),
]
