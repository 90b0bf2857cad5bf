"""Access policies of the cobranding (see openprm.testing.authz)."""

POLICIES: list = []
