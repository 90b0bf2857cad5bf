"""Writes of API tokens: create (the secret is returned once) and revoke.

Only ``hash_token(secret)`` and a short prefix are stored; neither the secret nor its
hash goes into an audit entry or an event.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.models import ApiToken, User
from openprm.accounts.tokens.keys import (
    SHOWN_PREFIX_LENGTH,
    hash_token,
    new_token_secret,
)
from openprm.core import audit, events
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
AUDITED_FIELDS = ["user", "name", "prefix"]


def api_token_payload(token: ApiToken) -> dict:
    """The token as events carry it: never the secret or its hash."""
    return {
        "id": token.pk,
        "user": str(token.user.public_id),
        "name": token.name,
        "prefix": token.prefix,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def api_token_create(
    *, user: User, name: str, actor: User | None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with its secret, which is shown once
    and cannot be recovered. ``actor`` is the user themselves, or None for an
    operator's command."""
    if not user.is_active:
        raise PermissionDenied(_("A deactivated user cannot have API tokens."))
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Give the token a name.")]})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            field_errors={
                "name": [
                    _("At most %(count)d characters.") % {"count": NAME_MAX_LENGTH}
                ]
            }
        )
    secret = new_token_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_token(secret),
    )
    audit.record_create(
        actor=actor, instance=token, fields=AUDITED_FIELDS, verb="api_token.created"
    )
    events.emit("api_token.created", payload=api_token_payload(token), actor=actor)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once. Revoking a
    revoked token changes nothing."""
    if token.user_id != actor.pk:
        raise NotFound
    now = timezone.now()
    # Conditional, so that two revocations at once record one change.
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if not revoked:
        token.refresh_from_db(fields=["revoked_at"])
        return token
    token.revoked_at = now
    audit.record_change(
        actor=actor,
        instance=token,
        before={"revoked_at": None},
        verb="api_token.revoked",
    )
    events.emit("api_token.revoked", payload=api_token_payload(token), actor=actor)
    return token
