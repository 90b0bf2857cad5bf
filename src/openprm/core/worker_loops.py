"""Loops that ``openprm worker`` runs next to its task queue, each in a thread of its
own: work that must start within a fraction of a second of a commit and comes in
too many small pieces for a task each (the outbox relay, sending webhooks).

An app registers a loop in its ``tasks.py``::

    worker_loops.register(WebhookDispatcher())

A loop has a ``name``, ``run(stop)`` — work until the ``threading.Event`` is set,
then return — and ``run_once()`` — do what is due now and return (``openprm worker
--batch``). Loops run with every task backend except the immediate one, where
nothing runs in the background (``OPENPRM_OUTBOX_RELAY`` is off).
"""

import logging
import threading
import time

from django.db import connections

logger = logging.getLogger("openprm.worker")

_registry: dict[str, object] = {}


def register(loop) -> None:
    _registry[loop.name] = loop


def registered() -> list:
    return [_registry[name] for name in sorted(_registry)]


def guarded(name: str, work, *args, **kwargs):
    """``work()``, or None after logging its failure; a failure (a database that went
    away) costs the thread its connections, which reconnect on the next query."""
    try:
        return work(*args, **kwargs)
    except Exception:
        logger.exception("%s failed; trying again", name)
        connections.close_all()  # this thread's connections only
        time.sleep(1)
        return None


def start(stop: threading.Event) -> list[threading.Thread]:
    """Start every registered loop in a daemon thread."""
    threads = []
    for loop in registered():
        thread = threading.Thread(
            target=_run, args=(loop, stop), name=loop.name, daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads


def _run(loop, stop: threading.Event) -> None:
    try:
        loop.run(stop)
    finally:
        connections.close_all()


def join(threads: list[threading.Thread], *, timeout: float) -> None:
    """Wait for stopped loops to finish what they hold, up to ``timeout`` in all."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))


def run_once() -> None:
    for loop in registered():
        loop.run_once()
