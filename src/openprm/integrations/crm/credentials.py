"""Connection credentials encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from the environment: ``OPENPRM_CREDENTIALS_KEY`` (a Fernet key, made
with ``python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"``), or else one derived from ``SECRET_KEY``
(itself from the environment or ``var/secret_key``). Changing the key makes stored
credentials unreadable: the connection then reports that they must be entered again.
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class CredentialsUnreadable(Exception):
    """The stored credentials cannot be decrypted with the current key."""


def _fernet() -> Fernet:
    key = getattr(settings, "OPENPRM_CREDENTIALS_KEY", "")
    if not key:
        digest = hashlib.sha256(
            b"openprm.crm.credentials:" + settings.SECRET_KEY.encode()
        ).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def encrypt(credentials: dict) -> str:
    return _fernet().encrypt(json.dumps(credentials).encode()).decode()


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError) as error:
        raise CredentialsUnreadable from error
