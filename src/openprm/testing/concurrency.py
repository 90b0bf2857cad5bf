"""Tests of concurrent writers: each in its own thread and database connection.

On PostgreSQL the threads share the test database. SQLite's in-memory test database
(shared cache) fails a waiting writer at once instead of letting it wait, which is
not how the product runs; there the threads work on a file copy of it, with the
product's connection options (WAL, IMMEDIATE transactions, busy timeout).
"""

import contextlib
import sqlite3
import threading

from django.db import connection, connections


@contextlib.contextmanager
def database_for_threads(tmp_path):
    """Connections opened by new threads reach a database that lets writers wait."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings = connections.settings["default"]
    original = settings["NAME"]
    settings["NAME"] = str(path)
    try:
        yield
    finally:
        settings["NAME"] = original


def in_threads(*functions):
    """Run each function in its own thread (own connection) and return results."""
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            results[index] = function()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
