"""Reads of API tokens: a user only ever sees their own."""

from django.db.models import QuerySet

from openprm.accounts.models import ApiToken, User
from openprm.core.errors import NotFound


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_of(*, user: User, token_id: int) -> ApiToken:
    """One of the user's tokens; someone else's is ``NotFound``, as if it did not
    exist."""
    token = api_tokens_of(user=user).filter(pk=token_id).first()
    if token is None:
        raise NotFound
    return token


def user_by_email(*, email: str) -> User | None:
    """The user who signs in with ``email`` (any case), active or not."""
    return User.objects.filter(email__iexact=email.strip()).first()
