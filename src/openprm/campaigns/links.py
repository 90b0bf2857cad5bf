"""The public links in campaign emails: signed, so that they cannot be forged or
guessed from a recipient's token."""

from django.core import signing
from django.urls import reverse

_CLICK = signing.Signer(salt="openprm.campaigns.click")
_UNSUBSCRIBE = signing.Signer(salt="openprm.campaigns.unsubscribe")


def click_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse(
        "public:campaign_click", kwargs={"signed": _CLICK.sign(token)}
    )


def unsubscribe_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse(
        "public:campaign_unsubscribe", kwargs={"signed": _UNSUBSCRIBE.sign(token)}
    )


def _unsign(signer: signing.Signer, signed: str) -> str | None:
    try:
        return signer.unsign(signed)
    except signing.BadSignature:
        return None


def click_token(signed: str) -> str | None:
    return _unsign(_CLICK, signed)


def unsubscribe_token(signed: str) -> str | None:
    return _unsign(_UNSUBSCRIBE, signed)


def apply_url(base_url: str, programme_slug: str, token: str = "") -> str:
    """The programme's public application form, carrying the recipient token."""
    url = base_url.rstrip("/") + reverse("public:apply", kwargs={"key": programme_slug})
    return f"{url}?c={token}" if token else url
