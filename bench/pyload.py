"""The built-in HTTP load generator, used when ``wrk`` is not installed.

    python -m bench.pyload --port 8000 --connections 32 --processes 2 --duration 10 \
        /path/a /path/b

Opens ``--connections`` keep-alive HTTP/1.1 connections to 127.0.0.1, spread over
``--processes`` processes (each an asyncio loop), and sends requests back to back on
each for ``--duration`` seconds, rotating through the paths given. Records the latency
of every request and prints one JSON object: requests, seconds, requests_per_second,
p50_ms, p99_ms, errors (connection errors, timeouts, HTTP status >= 400).
"""

import argparse
import asyncio
import json
import math
import multiprocessing
import queue
import time
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
RESULT_GRACE_SECONDS = 20.0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


@dataclass(frozen=True)
class Plan:
    port: int
    requests: list[bytes]
    connections: int
    first_connection: int
    deadline: float  # time.monotonic(), shared by every process
    timeout: float


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the connection stays open."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *header_lines = head.split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        if value:
            headers[name.strip().lower()] = value.strip()
    keep_alive = headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers
                break
            await reader.readexactly(size + 2)
    else:
        await reader.read()
        keep_alive = False
    return status, keep_alive


async def _connection(plan: Plan, start: int, tally: Tally) -> None:
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    index = start
    while time.monotonic() < plan.deadline:
        if writer is None or reader is None:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(HOST, plan.port), plan.timeout
                )
            except (OSError, TimeoutError):
                tally.errors += 1
                await asyncio.sleep(0.05)
                continue
        payload = plan.requests[index % len(plan.requests)]
        index += 1
        began = time.perf_counter()
        try:
            writer.write(payload)
            status, keep_alive = await asyncio.wait_for(
                _read_response(reader), plan.timeout
            )
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            tally.errors += 1
            writer.close()
            writer = reader = None
            continue
        tally.latencies.append(time.perf_counter() - began)
        if status >= 400:
            tally.errors += 1
        if not keep_alive:
            writer.close()
            writer = reader = None
    if writer is not None:
        writer.close()


async def _run_plan(plan: Plan) -> Tally:
    tally = Tally()
    stride = max(len(plan.requests) // 7, 1)  # neighbouring connections, other pages
    await asyncio.gather(
        *(
            _connection(plan, (plan.first_connection + offset) * stride, tally)
            for offset in range(plan.connections)
        )
    )
    return tally


def _process_main(plan: Plan, results: Any) -> None:
    tally = asyncio.run(_run_plan(plan))
    results.put((tally.latencies, tally.errors, time.monotonic()))


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return float("nan")
    rank = max(math.ceil(percent / 100 * len(ordered)) - 1, 0)
    return ordered[rank]


def run(
    *,
    port: int,
    paths: list[str],
    connections: int,
    processes: int,
    duration: float,
    timeout: float,
    cookie: str = "",
    headers: list[str] | None = None,
) -> dict[str, Any]:
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    extra += "".join(f"{header}\r\n" for header in headers or [])
    requests = [
        (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"User-Agent: bench.pyload\r\nAccept: */*\r\n{extra}\r\n"
        ).encode("latin-1")
        for path in paths
    ]
    processes = max(min(processes, connections), 1)
    started = time.monotonic()
    deadline = started + duration
    results: Any = multiprocessing.Queue()
    workers = []
    first = 0
    for number in range(processes):
        share = connections // processes + (
            1 if number < connections % processes else 0
        )
        plan = Plan(port, requests, share, first, deadline, timeout)
        first += share
        worker = multiprocessing.Process(target=_process_main, args=(plan, results))
        worker.start()
        workers.append(worker)
    latencies: list[float] = []
    errors = 0
    finished = started
    try:
        for _ in workers:
            batch, batch_errors, done_at = results.get(
                timeout=duration + timeout + RESULT_GRACE_SECONDS
            )
            latencies.extend(batch)
            errors += batch_errors
            finished = max(finished, done_at)
    except queue.Empty as exc:
        raise SystemExit("bench.pyload: a load process did not report in time") from exc
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
    latencies.sort()
    seconds = max(finished - started, 1e-9)
    return {
        "requests": len(latencies),
        "seconds": round(seconds, 3),
        "requests_per_second": len(latencies) / seconds,
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p99_ms": _percentile(latencies, 99) * 1000,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pyload",
        description="Keep-alive HTTP/1.1 load on 127.0.0.1 (bench's fallback for wrk).",
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, s")
    parser.add_argument("--cookie", default="", help="Cookie header value")
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        help="an extra request header, 'Name: value' (repeatable)",
    )
    parser.add_argument("paths", nargs="+", help="request paths, rotated through")
    args = parser.parse_args(argv)
    result = run(
        port=args.port,
        paths=args.paths,
        connections=args.connections,
        processes=args.processes,
        duration=args.duration,
        timeout=args.timeout,
        cookie=args.cookie,
        headers=args.header,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
