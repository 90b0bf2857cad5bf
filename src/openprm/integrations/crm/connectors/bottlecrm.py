"""BottleCRM (``django-crm`` on PyPI, MicroPyramid/Django-CRM) over its REST API.

What its API (version 0.9.0) offers and how this connector copes:

- Authentication: ``POST /api/auth/login/`` with ``email`` and ``password`` returns a
  JWT, sent as ``Authorization: JWT <token>``; the connector logs in again once when
  a token is refused.
- Lists (``GET /api/accounts/?limit=&offset=``) return open and closed records in
  two parallel pages; records carry no modification time, so "changed since" is a
  full listing whose cursor is the offset, and the engine skips unchanged records
  by hash. Each listed account costs BottleCRM six queries, so a complete listing
  reads ``READ_AHEAD`` pages ahead in threads; its last page carries a ``tail``
  (the open accounts' count and last id) from which ``added_since`` reads the
  accounts created since (open accounts are listed in id order).
- A create answers with a message and no id: the record is found again by its
  key (one request filtered by the whole key). Accounts and opportunities refuse
  a second record of the same name (any case), so they are created first and
  looked for only when refused, which also makes a repeated create harmless (two
  requests per new record); contacts and leads are looked for before creating.
- An update (``PUT``) replaces the record: the connector sends the record as it is
  with the mapped fields over it, its contacts and tags included (else it would
  clear them).
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from openprm.integrations.crm.connectors.base import (
    Connector,
    ConnectorError,
    ErrorKind,
    FieldInfo,
    Page,
    RemoteRecord,
)

PAGE_SIZE = 100
TIMEOUT_SECONDS = 30
# A complete listing asks for this many pages ahead of the one the engine handles,
# each in a thread of its own (within the connection's rate limit): BottleCRM
# serialises each listed account with several queries, and its threads overlap.
READ_AHEAD = 2

# Per object: its path, the (group, list) keys of its list pages, the key of a
# record on its detail page, the field a new record is found again by, and the
# writable fields (those a PUT must carry again to keep them).
OBJECTS: dict[str, dict[str, Any]] = {
    "accounts": {
        "path": "/api/accounts/",
        "lists": [
            ("active_accounts", "open_accounts"),
            ("closed_accounts", "close_accounts"),
        ],
        "detail": "account_obj",
        "key": "name",
        # The CRM refuses a second record with the same key (any case).
        "unique": True,
        "search": "name",
        "fields": [
            ("name", True), ("email", True), ("phone", False), ("industry", False),
            ("website", False), ("description", False), ("status", False),
            ("billing_address_line", True), ("billing_street", True),
            ("billing_city", True), ("billing_state", True),
            ("billing_postcode", True), ("billing_country", True),
        ],
        "choices": {"status": ["open", "close"]},
        # Where each list page says how many records the whole list holds.
        "counts": "accounts_count",
    },
    "contacts": {
        "path": "/api/contacts/",
        "lists": [(None, "contact_obj_list")],
        "detail": "contact_obj",
        "key": "email",
        "search": "email",
        "fields": [
            ("first_name", True), ("last_name", True), ("email", True),
            ("phone", False), ("description", False), ("address_line", True),
        ],
        # The account a contact belongs to: BottleCRM keeps it on the account (its
        # ``contacts``), the connector shows it on the contact.
        "virtual": ["account"],
        "choices": {},
    },
    "leads": {
        "path": "/api/leads/",
        "lists": [("open_leads", "open_leads"), ("close_leads", "close_leads")],
        "detail": "lead_obj",
        "key": "title",
        "search": "title",
        "fields": [
            ("title", True), ("first_name", False), ("last_name", False),
            ("email", False), ("phone", False), ("status", False),
            ("source", False), ("account_name", False), ("website", False),
            ("description", False), ("opportunity_amount", False),
            ("city", False), ("country", False),
        ],
        "choices": {
            "status": ["assigned", "in process", "converted", "recycled", "closed"],
        },
    },
    "opportunities": {
        "path": "/api/opportunities/",
        "lists": [(None, "opportunities")],
        "detail": "opportunity_obj",
        "key": "name",
        "unique": True,
        "search": "name",
        "fields": [
            ("name", True), ("stage", True), ("currency", False), ("amount", False),
            ("probability", True), ("closed_on", False), ("description", False),
            ("lead_source", False), ("account", False),
        ],
        # Read as ``closed_on``, written as ``due_date`` (the API saves the close
        # date from that parameter only, and clears it when it is missing).
        "write_as": {"closed_on": "due_date"},
        "choices": {
            "stage": [
                "QUALIFICATION", "NEEDS ANALYSIS", "VALUE PROPOSITION",
                "ID.DECISION MAKERS", "PERCEPTION ANALYSIS", "PROPOSAL/PRICE QUOTE",
                "NEGOTIATION/REVIEW", "CLOSED WON", "CLOSED LOST",
            ],
            "lead_source": [
                "NONE", "CALL", "EMAIL", "EXISTING CUSTOMER", "PARTNER",
                "PUBLIC RELATIONS", "CAMPAIGN", "WEBSITE", "OTHER",
            ],
        },
    },
}  # fmt: skip


def _flatten_errors(errors: Any) -> str:
    if isinstance(errors, dict):
        return "; ".join(
            f"{name}: {_flatten_errors(value)}" for name, value in errors.items()
        )
    if isinstance(errors, list):
        return " ".join(_flatten_errors(item) for item in errors)
    return str(errors)


class BottleCrmConnector(Connector):
    """``config``: ``{"url": "https://crm.example.com"}``; ``credentials``:
    ``{"email": …, "password": …}`` of a BottleCRM user with the ADMIN role."""

    objects = tuple(OBJECTS)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.base_url = (self.config.get("url") or "").rstrip("/")
        self._token = ""
        # Each contact's account, as the account listings showed it (BottleCRM
        # keeps the relation on the account only).
        self._contact_account: dict[str, str] = {}
        # Per object, where the listing under way has shown its open records up
        # to: the offset after them and the last one's id.
        self._listed_end: dict[str, dict] = {}
        # Pages of a complete listing asked for ahead, by (object, offset).
        self._ahead: dict[tuple[str, int], Future] = {}
        self._threads: ThreadPoolExecutor | None = None

    # --- HTTP ----------------------------------------------------------------------

    def _send(self, method: str, path: str, data: dict | None, token: str):
        if not self.base_url.startswith(("http://", "https://")):
            raise ConnectorError(
                "The connection has no CRM address (http:// or https://).",
                kind=ErrorKind.CONFIG,
            )
        self.limiter.wait()
        body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"JWT {token}"
        request = urllib.request.Request(  # noqa: S310 (http(s) checked above)
            self.base_url + path, data=body, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise ConnectorError(
                f"The CRM at {self.base_url} cannot be reached: {reason}",
                kind=ErrorKind.UNAVAILABLE,
            ) from error

    def _login(self) -> str:
        status, body = self._send(
            "POST",
            "/api/auth/login/",
            {
                "email": self.credentials.get("email", ""),
                "password": self.credentials.get("password", ""),
            },
            token="",
        )
        payload = self._json(status, body)
        if status != 200 or not payload.get("token"):
            message = _flatten_errors(payload.get("errors") or payload) or str(status)
            raise ConnectorError(
                f"The CRM refused the credentials: {message}", kind=ErrorKind.AUTH
            )
        return payload["token"]

    def _json(self, status: int, body: bytes) -> dict:
        try:
            return json.loads(body or b"{}")
        except ValueError:
            if status >= 500:
                raise ConnectorError(
                    f"The CRM failed (HTTP {status}).", kind=ErrorKind.UNAVAILABLE
                ) from None
            raise ConnectorError(
                f"The CRM answered something other than JSON (HTTP {status}).",
                kind=ErrorKind.UNAVAILABLE,
            ) from None

    def _call(self, method: str, path: str, data: dict | None = None) -> dict:
        if not self._token:
            self._token = self._login()
        status, body = self._send(method, path, data, self._token)
        if status in (401, 403):
            self._token = self._login()
            status, body = self._send(method, path, data, self._token)
        if status == 404:
            raise ConnectorError(
                "The CRM has no such record.", kind=ErrorKind.NOT_FOUND
            )
        payload = self._json(status, body)
        if status in (401, 403):
            raise ConnectorError(
                f"The CRM refused access: {_flatten_errors(payload)}",
                kind=ErrorKind.AUTH,
            )
        if status >= 500:
            raise ConnectorError(
                f"The CRM failed (HTTP {status}).", kind=ErrorKind.UNAVAILABLE
            )
        if status >= 400 or payload.get("error") is True:
            raise ConnectorError(
                _flatten_errors(payload.get("errors") or payload),
                kind=ErrorKind.REJECTED,
                details={"status": status},
            )
        return payload

    # --- the interface -------------------------------------------------------------

    def _spec(self, object_name: str) -> dict:
        if object_name not in OBJECTS:
            raise ConnectorError(
                f"BottleCRM has no object “{object_name}”.", kind=ErrorKind.CONFIG
            )
        return OBJECTS[object_name]

    def check(self) -> None:
        self._token = self._login()

    def _record(self, raw: dict) -> RemoteRecord:
        return RemoteRecord(id=str(raw["id"]), values=raw)

    def list_changed_since(self, object_name: str, cursor: Any) -> Page:
        if object_name == "contacts":
            return self._contacts_of_accounts(offset=int(cursor or 0))
        return self._list(object_name, offset=int(cursor or 0), tail=True)

    def added_since(self, object_name: str, tail: Any) -> Page | None:
        """The accounts created since a listing ended. The open accounts' list
        is in id order, so new ones come last: it is read from the last account
        the listing showed (the anchor) to its end. ``None`` — cannot vouch —
        when the anchor is no longer where it was (an account deleted, closed
        or reopened before it shifted the offsets, so a new one may be
        skipped) or the closed accounts' count changed (one created or moved
        there)."""
        spec = self._spec(object_name)
        if not spec.get("counts") or not isinstance(tail, dict):
            return None
        group, key = spec["lists"][0]
        anchor = tail.get("last")
        offset = int(tail["offset"]) - (1 if anchor is not None else 0)
        if offset < 0:
            return None
        raws: list[dict] = []
        while True:
            params = {"limit": PAGE_SIZE, "offset": offset + len(raws)}
            payload = self._call(
                "GET", f"{spec['path']}?{urllib.parse.urlencode(params)}"
            )
            found = payload.get(group, {}).get(key) or []
            raws.extend(found)
            if len(found) < PAGE_SIZE:
                break
        counts = self._counts(spec, payload)
        if counts is None or counts["close"] != tail.get("close"):
            return None
        if anchor is not None:
            if not raws or raws[0]["id"] != anchor:
                return None
            raws = raws[1:]
        records = [self._record(raw) for raw in raws]
        return Page(
            records=records,
            tail={
                "offset": offset + (1 if anchor is not None else 0) + len(raws),
                "last": raws[-1]["id"] if raws else anchor,
                "close": counts["close"],
            },
        )

    def _counts(self, spec: dict, payload: dict) -> dict | None:
        """How many records each list (open, closed) holds, as a page says."""
        found = [
            (payload.get(group) or {}).get(spec["counts"]) for group, _ in spec["lists"]
        ]
        if not all(isinstance(count, int) for count in found):
            return None
        return dict(zip(("open", "close"), found, strict=True))

    def _contacts_of_accounts(self, *, offset: int) -> Page:
        """The contacts on accounts, read through the accounts' pages: each account
        carries its contacts whole, so one request reads the contacts of a page of
        accounts with the account they are on (BottleCRM's contacts list has no
        account filter, and its contacts carry no account). A contact on no
        account is not listed (nothing syncs it: it is no partner's); one on two
        accounts is read with the first."""
        accounts = self._list("accounts", offset=offset)
        records: dict[str, RemoteRecord] = {}
        for account in accounts.records:
            for raw in account.values.get("contacts") or []:
                contact_id = str(raw["id"])
                if contact_id in records:
                    continue
                record = self._record(raw)
                record.values["account"] = account.id
                self._contact_account.setdefault(contact_id, account.id)
                records[contact_id] = record
        return Page(records=list(records.values()), cursor=accounts.cursor)

    def remember(self, object_name: str, remote_id: str, values: dict) -> None:
        if object_name == "contacts" and values.get("account"):
            self._contact_account.setdefault(str(remote_id), str(values["account"]))

    def _list(
        self,
        object_name: str,
        *,
        offset: int,
        query: dict | None = None,
        tail: bool = False,
    ):
        spec = self._spec(object_name)
        params = {"limit": PAGE_SIZE, "offset": offset, **(query or {})}
        path = f"{spec['path']}?{urllib.parse.urlencode(params)}"
        if tail and offset == 0:  # a new listing: nothing read ahead is kept
            self._ahead = {k: v for k, v in self._ahead.items() if k[0] != object_name}
        ahead = self._ahead.pop((object_name, offset), None) if tail else None
        payload = ahead.result() if ahead is not None else self._call("GET", path)
        records = []
        for group, key in spec["lists"]:
            holder = payload.get(group, {}) if group else payload
            records.extend(self._record(raw) for raw in holder.get(key) or [])
        more = any(
            len((payload.get(group, {}) if group else payload).get(key) or [])
            == PAGE_SIZE
            for group, key in spec["lists"]
        )
        if tail and spec.get("counts"):
            # Where the open accounts' list ended so far: its offset and last id.
            group, key = spec["lists"][0]
            shown = payload.get(group, {}).get(key) or []
            if offset == 0:
                self._listed_end[object_name] = {"offset": 0, "last": None}
            if shown:
                self._listed_end[object_name] = {
                    "offset": offset + len(shown),
                    "last": shown[-1]["id"],
                }
        if more:
            if tail and READ_AHEAD:
                self._read_ahead(object_name, spec, offset)
            return Page(records=records, cursor=offset + PAGE_SIZE)
        self._ahead = {k: v for k, v in self._ahead.items() if k[0] != object_name}
        # The last page: where accounts created from now on will be listed from
        # (known when this process read the listing from its start).
        end = self._listed_end.pop(object_name, None) if tail else None
        counts = self._counts(spec, payload) if end is not None else None
        if counts is None:
            return Page(records=records)
        return Page(records=records, tail={**end, "close": counts["close"]})

    def _read_ahead(self, object_name: str, spec: dict, offset: int) -> None:
        """Ask for the ``READ_AHEAD`` pages after ``offset`` in the background (a
        page past the end answers empty)."""
        if self._threads is None:
            self._threads = ThreadPoolExecutor(
                max_workers=READ_AHEAD, thread_name_prefix="bottlecrm-list"
            )
        for step in range(1, READ_AHEAD + 1):
            later = offset + step * PAGE_SIZE
            if (object_name, later) in self._ahead:
                continue
            params = urllib.parse.urlencode({"limit": PAGE_SIZE, "offset": later})
            self._ahead[(object_name, later)] = self._threads.submit(
                self._call, "GET", f"{spec['path']}?{params}"
            )

    def _add_account(self, record: RemoteRecord) -> None:
        """A contact's account: the one a listing showed it on, or the one the sync
        last knew (``remember``); "" when neither (then an upsert with an account
        puts it there, harmlessly if it is already)."""
        record.values["account"] = self._contact_account.get(record.id, "")

    def _attach(self, contact_id: str, account_id: str) -> None:
        """Put the contact on ``account_id``'s contacts (kept there if already)."""
        account = self.get("accounts", account_id)
        if account is None:
            raise ConnectorError(
                f"The CRM has no account {account_id} to put the contact on.",
                kind=ErrorKind.REJECTED,
            )
        ids = [c["id"] for c in account.values.get("contacts") or []]
        if int(contact_id) in ids:
            return
        form = self._form("accounts", account.values, {})
        form["contacts"] = json.dumps([*ids, int(contact_id)])
        self._call("PUT", f"{OBJECTS['accounts']['path']}{int(account_id)}/", form)

    def get(self, object_name: str, remote_id: str) -> RemoteRecord | None:
        spec = self._spec(object_name)
        try:
            payload = self._call("GET", f"{spec['path']}{int(remote_id)}/")
        except ConnectorError as error:
            if error.kind == ErrorKind.NOT_FOUND:
                return None
            raise
        except ValueError:
            return None
        record = self._record(payload[spec["detail"]])
        if object_name == "contacts":
            self._add_account(record)
        return record

    def find(self, object_name: str, text: str) -> list[RemoteRecord]:
        """Records whose name contains the first word of ``text`` (the API filters
        by "contains"; the matcher then scores them); contacts by their email
        (``text`` with an @) or first name. Their account is not known here."""
        spec = self._spec(object_name)
        words = (text or "").split()
        if object_name == "contacts" and words:
            field = "email" if "@" in words[0] else "name"
            found = self._find_all(object_name, {field: words[0]})
            for record in found:
                record.values["account"] = self._contact_account.get(record.id, "")
            return found
        if not words or object_name != "accounts":
            return super().find(object_name, text)
        return self._find_all(object_name, {spec["search"]: words[0]})

    def _find_all(self, object_name: str, query: dict) -> list[RemoteRecord]:
        found, offset = [], 0
        while True:
            page = self._list(object_name, offset=offset, query=query)
            found.extend(page.records)
            if page.cursor is None:
                return found
            offset = page.cursor

    def _find_by_key(self, object_name: str, value: str) -> RemoteRecord | None:
        """The record whose key is ``value`` (any case), searched by the whole
        value (the CRM filters by "contains": a page, not every record sharing a
        first word)."""
        spec = self._spec(object_name)
        wanted = (value or "").strip().lower()
        if not wanted:
            return None
        for record in self._find_all(object_name, {spec["search"]: value.strip()}):
            if str(record.values.get(spec["key"]) or "").strip().lower() == wanted:
                if object_name == "contacts":
                    self._add_account(record)
                return record
        return None

    def _form(self, object_name: str, current: dict, values: dict) -> dict:
        """The full form of a record: its writable fields as they are, ``values``
        over them, and its links (contacts, tags) so that a PUT keeps them."""
        spec = self._spec(object_name)
        form = {}
        nested = current.get("address") or {}
        for name, _required in spec["fields"]:
            value = values.get(name, current.get(name, nested.get(name)))
            if isinstance(value, dict):  # a related record as the API shows it
                value = value.get("id")
            if value is not None and value != "":
                form[name] = value
        for name, written in spec.get("write_as", {}).items():
            if name in form:
                form[written] = form.pop(name)
        if current.get("contacts"):
            form["contacts"] = json.dumps([c["id"] for c in current["contacts"]])
        if current.get("tags"):
            form["tags"] = json.dumps([t["name"] for t in current["tags"]])
        return form

    def upsert(
        self, object_name: str, remote_id: str | None, values: dict
    ) -> RemoteRecord:
        record = self._upsert(object_name, remote_id, values)
        account = str(values.get("account") or "")
        if (
            object_name == "contacts"
            and account
            and record.values["account"] != account
        ):
            self._attach(record.id, account)
            record.values["account"] = account
            self._contact_account[record.id] = account
        return record

    def _upsert(
        self, object_name: str, remote_id: str | None, values: dict
    ) -> RemoteRecord:
        spec = self._spec(object_name)
        if remote_id:
            current = self.get(object_name, remote_id)
            if current is None:
                raise ConnectorError(
                    "The record was deleted in the CRM.", kind=ErrorKind.NOT_FOUND
                )
            self._call(
                "PUT",
                f"{spec['path']}{int(remote_id)}/",
                self._form(object_name, current.values, values),
            )
            return self.get(object_name, remote_id) or current
        key = str(values.get(spec["key"], "") or "")
        existing = None if spec.get("unique") else self._find_by_key(object_name, key)
        if existing is None:
            try:
                self._call("POST", spec["path"], self._form(object_name, {}, values))
            except ConnectorError as error:
                # Refused: one with the same key may be there already (a repeated
                # create), which is then the record; any other refusal stands.
                if error.kind != ErrorKind.REJECTED or not spec.get("unique"):
                    raise
                existing = self._find_by_key(object_name, key)
                if existing is None:
                    raise
                return existing
            existing = self._find_by_key(object_name, key)
        if existing is None:
            raise ConnectorError(
                "The CRM accepted the record but it cannot be found again by its "
                f"{spec['key']}.",
                kind=ErrorKind.REJECTED,
            )
        return existing

    def delete(self, object_name: str, remote_id: str) -> None:
        spec = self._spec(object_name)
        try:
            self._call("DELETE", f"{spec['path']}{int(remote_id)}/")
        except ConnectorError as error:
            if error.kind != ErrorKind.NOT_FOUND:
                raise

    def describe_fields(self, object_name: str) -> list[FieldInfo]:
        spec = self._spec(object_name)
        fields = [
            FieldInfo(
                name=name,
                label=name.replace("_", " "),
                required=required,
                choices=spec["choices"].get(name),
            )
            for name, required in spec["fields"]
        ]
        fields.extend(
            FieldInfo(name=name, label=name) for name in spec.get("virtual", ())
        )
        fields.append(FieldInfo(name="id", label="id", read_only=True))
        return fields
