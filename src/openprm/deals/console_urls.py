"""Deals pages in the console (names join "console:")."""

urlpatterns: list = []
