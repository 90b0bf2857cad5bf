"""What a webhook endpoint may be: its URL and its event filter. Pure functions."""

import fnmatch
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

MAX_URL_LENGTH = 2000
MAX_PATTERNS = 50
# Event names are dotted lower-case words ("partner.created"); a pattern may use "*".
PATTERN = re.compile(r"^(\*|[a-z0-9_]+(\.([a-z0-9_]+|\*))*)$")
# Events about the webhook machinery itself are not delivered by pattern:
# "webhook.test" goes only to the endpoint under test.
INTERNAL_PREFIX = "webhook."


def url_errors(url: str) -> list[str]:
    """Why ``url`` cannot receive webhooks (an empty list when it can)."""
    if not url:
        return [str(_("Enter a URL."))]
    if len(url) > MAX_URL_LENGTH:
        return [str(_("The URL is too long."))]
    if any(character.isspace() for character in url):
        return [str(_("The URL may not contain spaces."))]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return [str(_("Enter a valid URL."))]
    if parts.scheme not in ("http", "https"):
        return [str(_("Only http:// and https:// URLs can receive webhooks."))]
    if not parts.hostname:
        return [str(_("The URL needs a host name."))]
    if parts.username or parts.password:
        return [str(_("Put credentials in the receiver's check, not in the URL."))]
    if parts.fragment:
        return [str(_("The URL may not contain a fragment (#…)."))]
    if port == 0:
        return [str(_("Enter a valid port."))]
    return []


def normalise_patterns(value: str | Iterable[str]) -> list[str]:
    """Patterns from a list or from text (one per line or comma-separated), in
    order, without blanks and duplicates."""
    items = re.split(r"[\s,]+", value) if isinstance(value, str) else list(value)
    patterns: list[str] = []
    for item in items:
        pattern = str(item).strip()
        if pattern and pattern not in patterns:
            patterns.append(pattern)
    return patterns


def pattern_errors(patterns: list[str]) -> list[str]:
    """Why the event filter is not valid (an empty list when it is)."""
    if not patterns:
        return [str(_('Choose at least one event, or "*" for all.'))]
    if len(patterns) > MAX_PATTERNS:
        return [str(_("Use at most %(count)s patterns.") % {"count": MAX_PATTERNS})]
    wrong = [pattern for pattern in patterns if not PATTERN.match(pattern)]
    if wrong:
        return [
            str(
                _(
                    "%(patterns)s: use event names like partner.created, a prefix "
                    'like partner.*, or "*".'
                )
                % {"patterns": ", ".join(wrong)}
            )
        ]
    return []


def patterns_match(patterns: Iterable[str], event_name: str) -> bool:
    """Whether an endpoint filtering on ``patterns`` receives ``event_name``."""
    if event_name.startswith(INTERNAL_PREFIX):
        return False
    return any(fnmatch.fnmatchcase(event_name, pattern) for pattern in patterns)
