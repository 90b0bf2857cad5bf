"""Who is acting and on behalf of which request, for audit entries and events.

The middleware (web) and the API authentication (tokens) fill it in; services read it
instead of passing the request around. Tasks and commands run with an empty context
unless they set one with :func:`acting`.
"""

import contextlib
import contextvars
import ipaddress
import re
import uuid
from dataclasses import dataclass, replace

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None
    user_agent: str = ""
    token_id: int | None = None
    token_label: str = ""


EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "openprm_request_context"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current() -> RequestContext:
    return _current.get(EMPTY)


@contextlib.contextmanager
def acting(**fields):
    """Run a block with some context fields set (a token, a request id)."""
    token = _current.set(replace(current(), **fields))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    """The client address; X-Forwarded-For is trusted only behind a declared proxy."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "OPENPRM_TRUSTED_PROXY_COUNT", 0):
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= settings.OPENPRM_TRUSTED_PROXY_COUNT:
            address = forwarded[-settings.OPENPRM_TRUSTED_PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when well-formed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(
            RequestContext(
                request_id=request_id,
                client_ip=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:300],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


def set_token(*, token_id: int, token_label: str) -> None:
    """Mark the rest of the current request as acting through an API token."""
    _current.set(replace(current(), token_id=token_id, token_label=token_label))
