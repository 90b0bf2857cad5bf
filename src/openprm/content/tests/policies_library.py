"""Access policies of the library (see openprm.testing.authz)."""

POLICIES: list = []
