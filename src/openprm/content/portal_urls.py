"""The content app's portal pages (names join "portal:"): each part's urls."""

urlpatterns: list = [
    # One include per part: library, co-branding, announcements.
]
