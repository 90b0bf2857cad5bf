"""The content app's portal pages (names join "portal:"): each part's urls."""

from django.urls import include, path

urlpatterns: list = [
    # One include per part: library, co-branding, announcements.
    path("", include("openprm.content.library.portal_urls")),
]
