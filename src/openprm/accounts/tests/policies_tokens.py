"""Access policies of the API token page and endpoints (included by policies.py):
every signed-in user manages their own tokens; someone else's token is 404."""

from openprm.accounts.models import ApiToken
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.testing.authz import (
    ALLOW,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    Outcome,
    Policy,
    World,
    signed_in,
)

OWNER = "vendor_admin"


def vendor_admins_token(world: World) -> ApiToken:
    secret = new_token_secret()
    return ApiToken.objects.create(
        user=world.users[OWNER],
        name="owned",
        prefix=secret[:12],
        key_hash=hash_token(secret),
    )


def own_token(actor: str) -> Outcome:
    """The token belongs to the vendor admin: only they may touch it."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    return ALLOW if actor == OWNER else HIDE


TOKEN_POLICIES = [
    Policy("web:api_tokens", signed_in()),
    Policy(
        "web:api_token_create",
        signed_in(),
        method="POST",
        data=lambda obj: {"name": "matrix check"},
    ),
    Policy(
        "web:api_token_revoke",
        own_token,
        method="POST",
        make=vendor_admins_token,
        kwargs=lambda token: {"token_id": token.pk},
        data=lambda obj: {},
    ),
    Policy("api:GET /api/v1/tokens", signed_in()),
    Policy(
        "api:POST /api/v1/tokens",
        signed_in(),
        data=lambda obj: {"name": "matrix check"},
    ),
    Policy(
        "api:DELETE /api/v1/tokens/{token_id}",
        own_token,
        make=vendor_admins_token,
        kwargs=lambda token: {"token_id": token.pk},
    ),
]
