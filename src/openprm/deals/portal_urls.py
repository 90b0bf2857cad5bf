"""Deals pages in the portal (names join "portal:")."""

urlpatterns: list = []
