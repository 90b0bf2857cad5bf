"""Announcements: news written in the console for an audience, pinned, expiring,
perhaps to be acknowledged, announced by notification and email when they go live."""
