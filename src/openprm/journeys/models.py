"""Models of onboarding journeys."""
