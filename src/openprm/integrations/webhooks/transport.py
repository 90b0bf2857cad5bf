"""The HTTP POST of a webhook delivery, over connections kept alive per receiver.

A new TCP (and TLS) connection per delivery cost more than the request itself; the
pool keeps idle connections per origin (scheme, host, port) for a few seconds and
any sending thread takes one. A connection the receiver closed while it sat idle
fails at once on reuse, before the receiver read anything: the request is then sent
once more on a fresh connection. Redirects are answers, not instructions: a 3xx is
returned as the outcome. When a proxy is configured for the URL (``HTTP_PROXY`` and
the like) the request goes through ``urllib`` instead, as before, without keep-alive.
"""

import functools
import http.client
import ssl
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from openprm import __version__ as openprm_version

USER_AGENT = f"OpenPRM-Webhooks/{openprm_version}"
RESPONSE_EXCERPT_CHARS = 1000
# An excerpt is read, and the rest of a response up to this size so that its
# connection can serve the next request; a longer body costs the connection.
DRAIN_BYTES = 64 * 1024
# Receivers close idle connections after a few seconds (gunicorn after 2, Node after
# 5); one idle longer than this is closed rather than reused.
IDLE_SECONDS = 2.0
MAX_IDLE_PER_ORIGIN = 64

_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

Result = tuple[int | None, str, str]  # status code, response excerpt, error


class ConnectionPool:
    """Idle keep-alive connections by origin, shared by the sending threads."""

    def __init__(self):
        self._idle: dict[tuple, list[tuple[http.client.HTTPConnection, float]]] = {}
        self._lock = threading.Lock()
        self._tls = None

    def take(self, origin: tuple, timeout: float) -> tuple:
        """A connection to ``origin`` and whether it was used before."""
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(origin, [])
            while idle:
                connection, since = idle.pop()
                if now - since < IDLE_SECONDS and connection.sock is not None:
                    connection.sock.settimeout(timeout)
                    return connection, True
                connection.close()
        return self._new(origin, timeout), False

    def give_back(self, origin: tuple, connection: http.client.HTTPConnection):
        with self._lock:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < MAX_IDLE_PER_ORIGIN:
                idle.append((connection, time.monotonic()))
                return
        connection.close()

    def _new(self, origin: tuple, timeout: float) -> http.client.HTTPConnection:
        scheme, host, port = origin
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            return http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._tls
            )
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def clear(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection, _since in connections:
                connection.close()


pool = ConnectionPool()


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Result:
    """POST ``body`` to ``url``; returns (status code or None, excerpt, error)."""
    if not url.startswith(("http://", "https://")):  # validated on save; and here
        return None, "", "Only http:// and https:// URLs receive webhooks."
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **headers,
    }
    try:
        parts = urlsplit(url)
        origin = (parts.scheme, parts.hostname, parts.port)
        if _proxied(parts):
            return _post_through_proxy(url, body=body, headers=headers, timeout=timeout)
    except ValueError as error:  # a port that is not a number, and the like
        return None, "", describe(error)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    while True:
        connection, reused = pool.take(origin, timeout)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            status, excerpt, reusable = _read(response)
        except _STALE as error:
            connection.close()
            if reused:  # closed by the receiver while idle: once more, afresh
                continue
            return None, "", describe(error)
        except (OSError, ValueError, http.client.HTTPException) as error:
            # Refused, timed out, reset, TLS, malformed responses.
            connection.close()
            return None, "", describe(error)
        if reusable and connection.sock is not None:
            pool.give_back(origin, connection)
        else:
            connection.close()
        if 300 <= status < 400:
            return status, excerpt, "Redirects are not followed."
        return status, excerpt, ""


def _read(response: http.client.HTTPResponse) -> tuple[int, str, bool]:
    """The status, an excerpt of the body, and whether the connection can be
    reused (the whole body read and the receiver keeps it open)."""
    raw = response.read(RESPONSE_EXCERPT_CHARS * 4)
    if not response.isclosed():
        response.read(DRAIN_BYTES)
    reusable = response.isclosed() and not response.will_close
    excerpt = raw.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT_CHARS]
    return response.status, excerpt, reusable


@functools.cache
def _proxies() -> dict[str, str]:
    """The proxies of the environment, read once (reading costs a scan of it)."""
    return urllib.request.getproxies()


def _proxied(parts) -> bool:
    return parts.scheme in _proxies() and not urllib.request.proxy_bypass(
        parts.hostname or ""
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _post_through_proxy(url: str, *, body, headers, timeout) -> Result:
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 (the scheme is checked)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, _excerpt(response), ""
    except urllib.error.HTTPError as error:  # a non-2xx answer is still an answer
        with error:
            excerpt = _excerpt(error)
        if 300 <= error.code < 400:
            return error.code, excerpt, "Redirects are not followed."
        return error.code, excerpt, ""
    except urllib.error.URLError as error:
        return None, "", describe(error.reason)
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, "", describe(error)


def _excerpt(response) -> str:
    try:
        raw = response.read(RESPONSE_EXCERPT_CHARS * 4)
    except (OSError, ValueError):
        return ""
    return raw.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT_CHARS]


def describe(error) -> str:
    if not isinstance(error, BaseException):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
