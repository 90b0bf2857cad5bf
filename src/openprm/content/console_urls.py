"""The content app's console pages (names join "console:"): each part's urls."""

from django.urls import include, path

urlpatterns: list = [
    # One include per part: library, co-branding, announcements.
    path("", include("openprm.content.library.console_urls")),
]
