"""The content app's portal pages (names join "portal:"): each part's urls."""

from openprm.content.cobranding.urls import portal_urlpatterns as cobranding_urls

urlpatterns: list = [
    # One include per part: library, co-branding, announcements.
    *cobranding_urls,
]
