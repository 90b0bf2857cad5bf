"""The connector interface: what the sync engine asks of a CRM.

A connector is one module with one class (see docs/crm-sync.md, "Writing a
connector"). It speaks the CRM's terms: object names (``accounts``, ``contacts``,
``leads``, ``opportunities``), field names and values as the CRM has them; the
mapping turns them into OpenPRM's. Every failure is a :class:`ConnectorError` whose
message is the CRM's own, for the sync log.
"""

import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RemoteRecord:
    """One CRM record: its id, its fields, and a version when the CRM keeps one
    (a modification time or a revision; empty when it keeps none)."""

    id: str
    values: dict[str, Any]
    version: str = ""


@dataclass
class Page:
    """Records changed since a cursor, and the cursor to ask from next (``None``
    when there are no more). A cursor is JSON: the engine stores it in the run."""

    records: list[RemoteRecord]
    cursor: Any = None
    #: On a listing's last page: where the records the CRM gets after it will be
    #: listed from (``Connector.added_since``); ``None`` when the connector cannot
    #: tell.
    tail: Any = None


@dataclass
class FieldInfo:
    """A field of a CRM object: what a mapping may name."""

    name: str
    label: str = ""
    required: bool = False
    choices: list[str] | None = None
    read_only: bool = False


class ErrorKind:
    AUTH = "auth"  # wrong credentials: nothing works until a person fixes them
    UNAVAILABLE = "unavailable"  # down, timing out, 5xx: retried later
    REJECTED = "rejected"  # the CRM refused this record (validation)
    NOT_FOUND = "not_found"
    CONFIG = "config"  # a setting of the connection is wrong


@dataclass
class ConnectorError(Exception):
    message: str
    kind: str = ErrorKind.REJECTED
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    @property
    def stops_run(self) -> bool:
        """Whether the whole run must stop (no record can succeed now)."""
        return self.kind in (ErrorKind.AUTH, ErrorKind.UNAVAILABLE, ErrorKind.CONFIG)


class RateLimiter:
    """At most ``per_second`` calls a second, for one connection in one process."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)


class Connector:
    """Base class of the connectors. ``config``: the connection's settings (a URL, a
    folder); ``credentials``: decrypted, held in memory only."""

    #: The objects this connector can sync.
    objects: tuple[str, ...] = ()
    #: Whether ``list_changed_since`` returns only changed records (else it returns
    #: every record, and the engine skips the unchanged ones by their hash).
    lists_only_changes = False
    #: Whether the CRM accepts fields ``describe_fields`` does not list (files).
    open_schema = False

    def __init__(
        self, *, config: dict, credentials: dict, limiter: RateLimiter | None = None
    ):
        self.config = config
        self.credentials = credentials
        self.limiter = limiter or RateLimiter(0)

    def check(self) -> None:
        """Raise ConnectorError when the CRM cannot be reached or refuses us."""
        raise NotImplementedError

    def list_changed_since(self, object_name: str, cursor: Any) -> Page:
        """One page of records changed since ``cursor`` (``None``: from the start)."""
        raise NotImplementedError

    def get(self, object_name: str, remote_id: str) -> RemoteRecord | None:
        raise NotImplementedError

    def added_since(self, object_name: str, tail: Any) -> Page | None:
        """The records the CRM got since a listing ended at ``tail`` (a last page's
        ``tail``, or this method's previous answer's), with the new ``tail``;
        ``None`` when the connector cannot vouch that it missed none (the engine
        then searches the CRM with ``find``). The default cannot."""
        return None

    def remember(self, object_name: str, remote_id: str, values: dict) -> None:
        """What the sync last knew of a record (its CRM field names), before it
        reads it again: a connector may use it to spare requests. Ignored by
        default."""

    def find(self, object_name: str, text: str) -> list[RemoteRecord]:
        """Records that may match ``text`` (a name), for matching before creating.
        The default reads every record."""
        found, cursor = [], None
        while True:
            page = self.list_changed_since(object_name, cursor)
            found.extend(page.records)
            if page.cursor is None:
                return found
            cursor = page.cursor

    def upsert(
        self, object_name: str, remote_id: str | None, values: dict
    ) -> RemoteRecord:
        """Create (``remote_id`` None) or update a record with ``values``; return it
        as the CRM now has it. Safe to repeat with the same values."""
        raise NotImplementedError

    def delete(self, object_name: str, remote_id: str) -> None:
        raise NotImplementedError

    def describe_fields(self, object_name: str) -> list[FieldInfo]:
        raise NotImplementedError
