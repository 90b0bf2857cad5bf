"""Access policies of the kernel's routes (see openprm.testing.authz)."""

from openprm.testing.authz import Policy, public, signed_in, superuser_admin

POLICIES = [
    Policy("web:home", signed_in()),  # a redirect to the user's own area
    Policy("web:health", public()),
    Policy("web:api:openapi-json", public()),
    Policy("web:api:openapi-view", public()),
    # The Django admin: superusers only; everyone else is sent to its sign-in page.
    Policy("web:admin:*", superuser_admin()),
    Policy("web:admin/*", superuser_admin()),
    Policy("web:admin:login", public()),
    Policy("web:admin:logout", public()),
    Policy("web:admin/(?P<url>.*)$", superuser_admin(), url="/admin/no-such-page/"),
]
