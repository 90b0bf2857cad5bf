"""Webhook latency from commit to receipt, and the delivery rate of one worker
(issue 20).

Not an HTTP scenario. ``python -m bench.webhook_latency [--rates 50,500]
[--duration 60] [--backlog 5000] [--json]`` migrates a throwaway database — SQLite in
a temporary folder; with ``DATABASE_URL`` (its name must contain "bench") a database
``<its name>_webhooks`` created next to it and dropped afterwards — then:

1. starts a receiver in a process of its own (``bench.webhook_receiver``: asyncio,
   keep-alive, answers 200 at once and notes each arrival's time) and registers it
   as a webhook endpoint for ``bench.*`` through ``webhook_endpoint_create``;
2. starts **one** ``openprm worker`` as deployed (its default command line);
3. **latency**, for each rate: ``--producers`` processes (2) commit events
   (``events.emit("bench.ping")``, one per transaction, as a service does) at that
   rate in all for ``--duration`` seconds, noting when each committed
   (``time.time()`` in an ``on_commit`` callback); then the harness waits until
   every event has arrived (or ``--drain`` seconds have passed). The latency of an
   event is its first arrival minus its commit; reported as median, p95 and max,
   with the events lost (never arrived) and duplicated (arrived twice), and the
   worker's CPU time per event (all its threads, from ``/proc``);
4. **delivery rate**: stops the worker, commits ``--backlog`` events, starts the
   worker again and times the deliveries from the first arrival to the last.

The producers, the worker and the receiver run in processes of their own, all on the
same machine: at high rates they compete for its cores, as they would in a small
deployment. ``make bench`` runs :func:`report` after the scenarios (``--webhook-rates``
and ``--webhook-duration``; ``--webhook-rates 0`` skips it).
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.environment import drop_database, throwaway_database
from bench.processes import measure_in_child

DEFAULT_RATES = (50, 500)
DEFAULT_DURATION = 60.0
DEFAULT_BACKLOG = 5000
DEFAULT_PRODUCERS = 4
# The target of issue 20: p95 from commit to receipt under 2 s at 500 events/s.
TARGET_P95_SECONDS = 2.0
EVENT_NAME = "bench.ping"


class Processes:
    """The receiver and the worker, each in a process group of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.receiver: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.port = 0

    def start_receiver(self) -> str:
        port_file = self.folder / "receiver.port"
        self.receiver = subprocess.Popen(
            [sys.executable, "-m", "bench.webhook_receiver", str(port_file)],
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline:
                raise SystemExit("The receiver did not start")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        return f"http://127.0.0.1:{self.port}/hooks"

    def start_worker(self) -> None:
        log = (self.folder / "worker.log").open("a")
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "openprm", "worker"],
            env={**os.environ, "LOG_LEVEL": "WARNING"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def worker_cpu_seconds(self) -> float:
        """The worker's CPU time so far, all threads (Linux ``/proc``)."""
        fields = Path(f"/proc/{self.worker.pid}/stat").read_text().rsplit(")", 1)[1]
        user, system = fields.split()[11:13]
        return (int(user) + int(system)) / os.sysconf("SC_CLK_TCK")

    def stop_worker(self) -> None:
        _stop(self.worker)
        self.worker = None

    def arrivals(self) -> list[tuple[str, str, float]]:
        url = f"http://127.0.0.1:{self.port}/arrivals"
        with urllib.request.urlopen(url, timeout=30) as response:
            return [tuple(item) for item in json.loads(response.read())]

    def stop(self) -> None:
        _stop(self.worker)
        _stop(self.receiver)


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def _emit(number: int, committed: dict[str, float]) -> None:
    from django.db import transaction

    from openprm.core import events

    with transaction.atomic():
        event = events.emit(EVENT_NAME, payload={"number": number})
        event_id = str(event.uuid)
        # Registered after emit's own callback (the hand-over to the worker), so
        # the clock starts once the event is committed and handed over.
        transaction.on_commit(lambda: committed.__setitem__(event_id, time.time()))


def produce_here(rate: float, duration: float, start_at: float) -> dict[str, float]:
    """Commit ``rate`` events a second for ``duration`` seconds from the wall-clock
    time ``start_at`` (catching up when behind); returns their commit times."""
    committed: dict[str, float] = {}
    total = round(rate * duration)
    time.sleep(max(0.0, start_at - time.time()))
    for number in range(total):
        ahead = start_at + number / rate - time.time()
        if ahead > 0:
            time.sleep(ahead)
        _emit(number, committed)
    return committed


def produce(
    rate: float, duration: float, producers: int
) -> tuple[dict[str, float], float]:
    """Commit ``rate`` events a second for ``duration`` seconds from ``producers``
    processes (as several web processes would; one Python process cannot commit
    500 a second on a busy 2-core machine); returns the commit times and the rate
    achieved."""
    folder = Path(os.environ["OPENPRM_VAR_DIR"])
    start_at = time.time() + 5  # the producers' start-up
    outputs = [folder / f"produced-{number}.json" for number in range(producers)]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.webhook_latency",
                "--produce",
                f"{rate / producers},{duration},{start_at},{output}",
            ],
            start_new_session=True,
        )
        for output in outputs
    ]
    committed: dict[str, float] = {}
    for child, output in zip(children, outputs, strict=True):
        if child.wait() != 0:
            raise SystemExit("A producer failed")
        committed.update(json.loads(output.read_text()))
    last = max(committed.values(), default=start_at + duration)
    return committed, len(committed) / max(last - start_at, duration)


def collect(
    processes: Processes, wanted: set[str], *, timeout: float
) -> dict[str, list[float]]:
    """Arrival times by event id, until every wanted event arrived or ``timeout``."""
    arrivals: dict[str, list[float]] = {}
    deadline = time.monotonic() + timeout
    while True:
        for event_id, _path, arrived in processes.arrivals():
            arrivals.setdefault(event_id, []).append(arrived)
        if wanted <= arrivals.keys() or time.monotonic() > deadline:
            # Late duplicates of the last deliveries are counted too.
            time.sleep(1)
            for event_id, _path, arrived in processes.arrivals():
                arrivals.setdefault(event_id, []).append(arrived)
            return arrivals
        time.sleep(0.5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency(
    processes: Processes, rate: float, duration: float, drain: float, producers: int
) -> dict:
    cpu_before = processes.worker_cpu_seconds()
    committed, achieved = produce(rate, duration, producers)
    arrivals = collect(processes, set(committed), timeout=drain)
    cpu = processes.worker_cpu_seconds() - cpu_before
    latencies = [
        min(arrivals[event_id]) - at
        for event_id, at in committed.items()
        if event_id in arrivals
    ]
    return {
        "rate": rate,
        "achieved_rate": round(achieved, 1),
        "seconds": duration,
        "events": len(committed),
        "received": len(latencies),
        "lost": len(committed) - len(latencies),
        "duplicated": sum(
            len(arrivals[event_id]) - 1
            for event_id in committed
            if event_id in arrivals
        ),
        "median_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
        "worker_cpu_ms_per_event": round(1000 * cpu / len(committed), 3),
    }


def delivery_rate(processes: Processes, backlog: int, drain: float) -> dict:
    processes.stop_worker()
    committed: dict[str, float] = {}
    for number in range(backlog):
        _emit(number, committed)
    processes.start_worker()
    arrivals = collect(processes, set(committed), timeout=drain)
    times = sorted(min(found) for found in arrivals.values())
    seconds = times[-1] - times[0] if len(times) > 1 else 0
    return {
        "backlog": backlog,
        "received": len(arrivals.keys() & committed.keys()),
        "seconds": round(seconds, 2),
        "deliveries_per_second": round((len(times) - 1) / seconds) if seconds else None,
    }


def measure(
    rates: list[float],
    duration: float,
    backlog: int,
    drain: float,
    producers: int,
    say=print,
) -> dict:
    from openprm.accounts.models import User
    from openprm.integrations.webhooks.services import webhook_endpoint_create

    folder = Path(os.environ["OPENPRM_VAR_DIR"])
    processes = Processes(folder)
    try:
        url = processes.start_receiver()
        admin = User.objects.create_user(
            "bench.webhooks@openprm.example", vendor_role="vendor_admin"
        )
        webhook_endpoint_create(actor=admin, url=url, event_types=["bench.*"])
        processes.start_worker()
        warm_up: dict[str, float] = {}
        _emit(-1, warm_up)
        collect(processes, set(warm_up), timeout=60)
        results = {"latency": [], "delivery_rate": None}
        for rate in rates:
            result = latency(processes, rate, duration, drain, producers)
            results["latency"].append(result)
            say(latency_line(result))
        if backlog:
            results["delivery_rate"] = delivery_rate(processes, backlog, drain)
            say(rate_line(results["delivery_rate"]))
        return results
    finally:
        processes.stop()


def latency_line(result: dict) -> str:
    verdict = ""
    if result["rate"] >= 500 and result["p95_s"] is not None:
        met = result["p95_s"] < TARGET_P95_SECONDS and not result["lost"]
        verdict = (
            f" (target p95 < {TARGET_P95_SECONDS:g} s: {'met' if met else 'NOT met'})"
        )
    return (
        f"  {result['rate']:g} events/s for {result['seconds']:g} s "
        f"(committed {result['achieved_rate']:g}/s): "
        f"median {result['median_s']} s, p95 {result['p95_s']} s, max "
        f"{result['max_s']} s; {result['received']:,} of {result['events']:,} "
        f"received, {result['lost']} lost, {result['duplicated']} duplicated; "
        f"worker CPU {result['worker_cpu_ms_per_event']} ms per event{verdict}"
    )


def rate_line(result: dict) -> str:
    return (
        f"  delivery rate of one worker: {result['received']:,} of "
        f"{result['backlog']:,} queued events delivered in {result['seconds']} s, "
        f"{result['deliveries_per_second']} deliveries/s"
    )


def lines(vendor: str, result: dict) -> list[str]:
    return [
        f"Webhook latency from commit to receipt, one worker ({vendor}):",
        *(latency_line(item) for item in result["latency"]),
        *([rate_line(result["delivery_rate"])] if result["delivery_rate"] else []),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.webhook_latency")
    parser.add_argument(
        "--rates",
        default=",".join(str(rate) for rate in DEFAULT_RATES),
        help="events per second, comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=DEFAULT_DURATION,
        help="seconds each rate is sustained (default: %(default)s)",
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=DEFAULT_BACKLOG,
        help="events queued for the delivery rate; 0 skips it (default: %(default)s)",
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=120,
        help="seconds to wait for the last deliveries (default: %(default)s)",
    )
    parser.add_argument(
        "--producers",
        type=int,
        default=DEFAULT_PRODUCERS,
        help="processes committing the events (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--produce", help=argparse.SUPPRESS)  # a producer process
    args = parser.parse_args(argv)
    if args.produce:
        rate, duration, start_at, output = args.produce.split(",")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
        import django

        django.setup()
        committed = produce_here(float(rate), float(duration), float(start_at))
        Path(output).write_text(json.dumps(committed))
        return
    rates = [float(rate) for rate in args.rates.split(",") if float(rate)]
    original_url = os.environ.get("DATABASE_URL", "").strip()
    vendor, dropped = throwaway_database("webhooks")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ["DEBUG"] = "0"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        say = (lambda line: None) if args.json else print
        result = {
            "database": vendor,
            **measure(
                rates, args.duration, args.backlog, args.drain, args.producers, say=say
            ),
        }
        from django.db import connections

        connections.close_all()
    finally:
        drop_database(dropped, original_url)
    if args.json:
        print(json.dumps(result))


def report(rates: list[float], duration: float = DEFAULT_DURATION, say=print) -> dict:
    """Measure in a child process of its own and print the figures."""
    return measure_in_child(
        "bench.webhook_latency",
        [
            f"--rates={','.join(f'{rate:g}' for rate in rates)}",
            f"--duration={duration:g}",
        ],
        lines,
        say,
    )


if __name__ == "__main__":
    main()
