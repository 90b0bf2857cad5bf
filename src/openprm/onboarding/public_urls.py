"""Public pages of onboarding (no sign-in; names join "public:")."""

urlpatterns: list = []
