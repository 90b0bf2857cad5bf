"""Standard Webhooks signing (https://www.standardwebhooks.com). Pure functions.

A secret is ``whsec_`` followed by the base64 of random bytes. A delivery carries
``webhook-id``, ``webhook-timestamp`` (unix seconds) and ``webhook-signature``:
``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" keyed with the secret's bytes>``,
several separated by spaces while a rotated secret is still honoured.
"""

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64-decoded part after ``whsec_``."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def fingerprint(secret: str) -> str:
    """A short, non-reversible name for a secret, for audit entries and pages."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    *, secrets_in_use: list[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers of one request."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
            for secret in secrets_in_use
        ),
    }


def envelope(
    *,
    event_id: str,
    name: str,
    version: int,
    occurred_at: datetime,
    payload: dict,
    partner_id: int | None,
) -> bytes:
    """The JSON body of a delivery: the event as receivers see it."""
    document = {
        "id": event_id,
        "type": name,
        "version": version,
        "timestamp": occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "partner": partner_id,
        "data": payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=False).encode()


# How far a signed request's timestamp may be from now (replays are refused).
TOLERANCE_SECONDS = 5 * 60


def verify(*, secrets_in_use: list[str], headers, body: bytes, now: int) -> str | None:
    """The ``webhook-id`` of a request signed with one of the secrets, within the
    tolerance; None when it is not (a missing header, an old timestamp, no
    matching ``v1`` signature)."""
    msg_id = headers.get("webhook-id") or ""
    timestamp = headers.get("webhook-timestamp") or ""
    signatures = headers.get("webhook-signature") or ""
    if not msg_id or not signatures or not timestamp.isdigit():
        return None
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return None
    expected = [
        signature(secret=secret, msg_id=msg_id, timestamp=int(timestamp), body=body)
        for secret in secrets_in_use
    ]
    for given in signatures.split():
        if any(hmac.compare_digest(given, wanted) for wanted in expected):
            return msg_id
    return None
