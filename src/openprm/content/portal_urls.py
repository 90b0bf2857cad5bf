"""The content app's portal pages (names join "portal:"): each part's urls."""

from django.urls import include, path

from openprm.content.cobranding.urls import portal_urlpatterns as cobranding_urls

urlpatterns: list = [
    path("", include("openprm.content.library.portal_urls")),
    *cobranding_urls,
    path("", include("openprm.content.announcements.portal_urls")),
]
