"""A CRM without an API, through files: one CSV file per object in a folder
(``accounts.csv``…), with an ``id`` column and one column per field.

The vendor drops the CRM's export there; the sync reads it with the same mapping and
matching as any CRM, and writes what OpenPRM changed into the same file, which the
vendor imports back into the CRM. Files are replaced atomically (written aside, then
renamed), so a reader never sees half a file.
"""

import csv
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

from openprm.integrations.crm.connectors.base import (
    Connector,
    ConnectorError,
    ErrorKind,
    FieldInfo,
    Page,
    RemoteRecord,
)

PAGE_SIZE = 500
OBJECTS = ("accounts", "contacts", "leads", "opportunities")


class CsvConnector(Connector):
    """``config``: ``{"folder": "/srv/crm-exchange"}``; no credentials."""

    objects = OBJECTS
    open_schema = True  # a new column is a new field

    def _folder(self) -> Path:
        folder = Path(self.config.get("folder") or "")
        if not str(folder) or not folder.is_dir():
            raise ConnectorError(
                f"The exchange folder “{folder}” does not exist.",
                kind=ErrorKind.CONFIG,
            )
        return folder

    def _path(self, object_name: str) -> Path:
        if object_name not in OBJECTS:
            raise ConnectorError(
                f"No file for the object “{object_name}”.", kind=ErrorKind.CONFIG
            )
        return self._folder() / f"{object_name}.csv"

    def _read(self, object_name: str) -> tuple[list[str], list[dict]]:
        path = self._path(object_name)
        if not path.exists():
            return ["id"], []
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = [dict(row) for row in reader]
            columns = list(reader.fieldnames or ["id"])
        if "id" not in columns:
            raise ConnectorError(
                f"{path.name} has no “id” column.", kind=ErrorKind.CONFIG
            )
        return columns, rows

    def _write(self, object_name: str, columns: list[str], rows: list[dict]) -> None:
        path = self._path(object_name)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temporary, path)

    def check(self) -> None:
        self._folder()

    def list_changed_since(self, object_name: str, cursor: Any) -> Page:
        _columns, rows = self._read(object_name)
        start = int(cursor or 0)
        chunk = rows[start : start + PAGE_SIZE]
        records = [RemoteRecord(id=row["id"], values=row) for row in chunk]
        more = start + PAGE_SIZE < len(rows)
        return Page(records=records, cursor=start + PAGE_SIZE if more else None)

    def get(self, object_name: str, remote_id: str) -> RemoteRecord | None:
        _columns, rows = self._read(object_name)
        for row in rows:
            if row["id"] == str(remote_id):
                return RemoteRecord(id=row["id"], values=row)
        return None

    def upsert(
        self, object_name: str, remote_id: str | None, values: dict
    ) -> RemoteRecord:
        columns, rows = self._read(object_name)
        for name in values:
            if name not in columns:
                columns.append(name)
        clean = {
            name: "" if value is None else str(value) for name, value in values.items()
        }
        if remote_id:
            for row in rows:
                if row["id"] == str(remote_id):
                    row.update(clean)
                    self._write(object_name, columns, rows)
                    return RemoteRecord(id=row["id"], values=row)
            raise ConnectorError(
                "The record is not in the file.", kind=ErrorKind.NOT_FOUND
            )
        row = {"id": f"csv-{uuid.uuid4().hex[:12]}", **clean}
        rows.append(row)
        self._write(object_name, columns, rows)
        return RemoteRecord(id=row["id"], values=row)

    def delete(self, object_name: str, remote_id: str) -> None:
        columns, rows = self._read(object_name)
        kept = [row for row in rows if row["id"] != str(remote_id)]
        if len(kept) != len(rows):
            self._write(object_name, columns, kept)

    def describe_fields(self, object_name: str) -> list[FieldInfo]:
        columns, _rows = self._read(object_name)
        return [FieldInfo(name=name, label=name) for name in columns]
