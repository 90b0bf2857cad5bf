"""Periodic sweeps: time-based rules that run themselves (DESIGN.md, rule 5).

An app registers a task as a sweep in its ``tasks.py``::

    @sweeps.register(every=timedelta(minutes=5))
    @task()
    def deal_registrations_expire() -> None: ...

The worker calls :func:`enqueue_due_sweeps` every few seconds. Each due sweep is
enqueued once per period across all worker processes; it then runs through the
ordinary task queue like any other job.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from openprm.core.models import SweepRun


@dataclass(frozen=True)
class Sweep:
    name: str
    every: timedelta
    task: object  # a django_tasks Task


_registry: dict[str, Sweep] = {}


def register(*, every: timedelta, name: str | None = None) -> Callable:
    """Register a task to be enqueued every ``every``; returns the task unchanged."""

    def decorator(task):
        sweep_name = name or f"{task.module_path}"
        if sweep_name in _registry and _registry[sweep_name].task is not task:
            raise ValueError(f"Sweep {sweep_name!r} is registered twice")
        _registry[sweep_name] = Sweep(name=sweep_name, every=every, task=task)
        return task

    return decorator


def registered() -> list[Sweep]:
    return sorted(_registry.values(), key=lambda sweep: sweep.name)


def enqueue_due_sweeps(
    *, now: datetime | None = None, candidates: list[Sweep] | None = None
) -> list[str]:
    """Enqueue every sweep whose time has come; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for sweep in registered() if candidates is None else candidates:
        # Another worker may create the row at the same moment.
        with contextlib.suppress(IntegrityError):
            SweepRun.objects.get_or_create(
                name=sweep.name, defaults={"next_run_at": now}
            )
        with transaction.atomic():
            # The conditional UPDATE is the claim: only one worker moves it forward.
            claimed = SweepRun.objects.filter(
                name=sweep.name, next_run_at__lte=now
            ).update(next_run_at=now + sweep.every, last_enqueued_at=now)
            if claimed:
                sweep.task.enqueue()
                enqueued.append(sweep.name)
    return enqueued
