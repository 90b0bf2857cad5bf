"""The content app's console pages (names join "console:"): each part's urls."""

from openprm.content.cobranding.urls import console_urlpatterns as cobranding_urls

urlpatterns: list = [
    # One include per part: library, co-branding, announcements.
    *cobranding_urls,
]
