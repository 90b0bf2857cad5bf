"""Access policies of the announcements (see openprm.testing.authz)."""

POLICIES: list = []
