"""Spam protection of the public application form and endpoint: a honeypot field
that people never see (bots fill it), and a rate limit per client address kept in
the Django cache, which every web process shares (the database, or Redis)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ApplicationError

# The field bots fill in; named like something worth filling.
HONEYPOT_FIELD = "fax_number"


class TooManyApplications(ApplicationError):
    code = "rate_limited"
    status = 429
    default_message = _(
        "Too many applications were sent from your address. Try again later."
    )


def is_bot(data) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD) or "").strip())


def _key(client_ip: str | None) -> str:
    return f"onboarding:apply:{client_ip or 'unknown'}"


def check_rate_limit(client_ip: str | None) -> None:
    """Count one attempt from ``client_ip``; refuse it past the limit of the window
    (OPENPRM_APPLICATION_RATE_LIMIT attempts per OPENPRM_APPLICATION_RATE_WINDOW
    seconds)."""
    limit = settings.OPENPRM_APPLICATION_RATE_LIMIT
    key = _key(client_ip)
    # add() starts the window only when no count exists: the window is fixed.
    if cache.add(key, 1, timeout=settings.OPENPRM_APPLICATION_RATE_WINDOW):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=settings.OPENPRM_APPLICATION_RATE_WINDOW)
            count = 1
    if count > limit:
        raise TooManyApplications


def reset_rate_limit(client_ip: str | None) -> None:
    cache.delete(_key(client_ip))
