"""API token secrets: how they are made, shown once, and looked up by hash."""

import hashlib
import secrets

TOKEN_PREFIX = "opr_"  # noqa: S105 (a marker, not a secret)
SHOWN_PREFIX_LENGTH = 12


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(secret: str) -> str:
    # A fast hash is right here: the secret has 256 bits of entropy, so it cannot be
    # guessed, and authentication stays one indexed lookup per request.
    return hashlib.sha256(secret.encode()).hexdigest()
