"""API authentication: bearer tokens for integrations, the session for the web UI."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from openprm.accounts.models import ApiToken
from openprm.accounts.tokens.keys import TOKEN_PREFIX, hash_token
from openprm.core import context

# Writing last_used_at on every request would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer opr_…``: one indexed query finds token and user."""

    def authenticate(self, request, token: str):
        if not token.startswith(TOKEN_PREFIX):
            return None
        try:
            # get(), not first(): key_hash is unique, and an ORDER BY to compile is
            # a fifth of this query's cost, paid on every API call.
            api_token = (
                ApiToken.objects.active()
                .select_related("user")
                .get(key_hash=hash_token(token))
            )
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (
            now - api_token.last_used_at > LAST_USED_PRECISION
        ):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token
        context.set_token(token_id=api_token.pk, token_label=api_token.name)
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """The signed-in web user (with CSRF on unsafe methods), if still active."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        return user


token_auth = TokenAuth()
session_auth = ActiveSessionAuth()
API_AUTH = [token_auth, session_auth]
