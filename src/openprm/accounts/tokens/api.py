"""The API of a user's own API tokens: list, create (the secret is shown once), revoke.

Whoever calls (by session or by another token) only ever sees and revokes their own
tokens; someone else's token answers 404.
"""

from datetime import datetime

from ninja import Field, Schema, Status

from openprm.accounts.models import ApiToken
from openprm.accounts.tokens import selectors, services
from openprm.core.api import ApiRouter, StrictSchema, lookup

router = ApiRouter(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None = Field(description="Recorded to the minute at most.")
    revoked_at: datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(
        description="The secret: shown in this response only, never again."
    )


class TokenIn(StrictSchema):
    class Meta:
        model = ApiToken

    name: str = Field(max_length=100, description="What the token is for.")


TOKEN_COLUMNS = ("id", "name", "prefix", "created_at", "last_used_at", "revoked_at")


def token_data(token) -> dict:
    return {
        **{column: getattr(token, column) for column in TOKEN_COLUMNS},
        "is_active": token.is_active,
    }


# The operation ids stay as when these lived in accounts.api_tokens.
@router.list(
    "/tokens",
    response=TokenOut,
    summary="List your API tokens",
    operation_id="openprm_accounts_api_tokens_token_list",
)
def token_list(request):
    return selectors.api_tokens_of(user=request.user)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    summary="Create an API token",
    description="The response holds the secret; it is not stored and not shown again.",
    operation_id="openprm_accounts_api_tokens_token_create",
)
def token_create(request, payload: TokenIn):
    token, secret = services.api_token_create(
        user=request.user, name=payload.name, actor=request.user
    )
    return Status(201, {**token_data(token), "token": secret})


@router.delete(
    "/tokens/{token_id}",
    response={204: None},
    summary="Revoke an API token",
    description="The token stops working at once. Revoking it again is harmless.",
    operation_id="openprm_accounts_api_tokens_token_revoke",
)
def token_revoke(request, token_id: int):
    token = lookup(request, selectors.api_token_of, token_id=token_id)
    services.api_token_revoke(token=token, actor=request.user)
    return Status(204, None)
