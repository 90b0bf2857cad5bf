"""The content app's console pages (names join "console:"): each part's urls."""

urlpatterns: list = [
    # One include per part: library, co-branding, announcements.
]
