"""Public pages of campaigns (no sign-in; names join "public:")."""

urlpatterns: list = []
