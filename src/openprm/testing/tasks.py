"""Tasks the tests run through a real worker process."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def record_attempt(path: str) -> None:
    """Append this process's id to ``path``; the first attempt then waits (to be
    killed with its worker), a later one returns at once."""
    log = Path(path)
    with log.open("a") as handle:
        handle.write(f"{os.getpid()}\n")
    if len(log.read_text().split()) == 1:
        time.sleep(600)
