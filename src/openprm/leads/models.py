"""Models of leads."""
