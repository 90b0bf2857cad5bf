"""API tokens: their secrets, the API authentication, and the pages and endpoints
where a user manages their own tokens."""
