"""Models of deals."""
