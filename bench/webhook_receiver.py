"""A webhook receiver for the latency benchmark: a process of its own, asyncio,
HTTP/1.1 with keep-alive, that notes when each delivery arrived.

``python -m bench.webhook_receiver PORT_FILE`` listens on a free port of 127.0.0.1
and writes the port to ``PORT_FILE``. A ``POST`` is answered ``200`` at once (a path
ending in ``/slow`` after ``SLOW_SECONDS``); the arrival time (``time.time()``, taken
when the whole body is read) is kept under the ``id`` of the JSON body (the event's
id). ``GET /arrivals`` answers ``[[event id, path, time], ...]`` of every delivery
since the last ``GET /arrivals``, so the harness can read them in portions.
"""

import asyncio
import json
import sys
import time

SLOW_SECONDS = 5.0


class Receiver:
    def __init__(self):
        self.arrivals: list[tuple[str, str, float]] = []

    async def handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, path, _version = request_line.split(" ", 2)
                length = 0
                for line in header_lines:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length) if length else b""
                if method == "POST":
                    arrived = time.time()
                    event_id = json.loads(body).get("id", "")
                    self.arrivals.append((event_id, path, arrived))
                    if path.endswith("/slow"):
                        await asyncio.sleep(SLOW_SECONDS)
                    answer = b"ok"
                else:
                    answer = json.dumps(self.arrivals).encode()
                    self.arrivals = []
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    + f"Content-Length: {len(answer)}\r\n\r\n".encode()
                    + answer
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def serve(port_file: str) -> None:
    receiver = Receiver()
    server = await asyncio.start_server(
        receiver.handle, "127.0.0.1", 0, backlog=1024, limit=1 << 20
    )
    port = server.sockets[0].getsockname()[1]
    with open(port_file, "w") as out:
        out.write(str(port))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
