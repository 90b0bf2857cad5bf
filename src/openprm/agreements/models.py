"""Models of agreements."""
