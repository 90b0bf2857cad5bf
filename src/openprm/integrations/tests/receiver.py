"""A real HTTP receiver on 127.0.0.1 for webhook tests: it records every request
and answers each with the next scripted reply (200 once the script runs out)."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    # Hold the request until release() (or stall_seconds) before answering.
    stall: bool = False
    delay_seconds: float = 0


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


class Receiver:
    """Use as a context manager; ``url`` is where to send, ``requests`` what came."""

    def __init__(self, replies: list[Reply] | None = None, *, stall_seconds=15.0):
        self.replies = list(replies or [])
        self.requests: list[ReceivedRequest] = []
        self.stall_seconds = stall_seconds
        self._released = threading.Event()
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                reply = receiver._record(
                    ReceivedRequest(
                        path=self.path,
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                    )
                )
                if reply.stall:
                    receiver._released.wait(receiver.stall_seconds)
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except OSError:  # the sender is gone (a killed worker, a timeout)
                    pass

            def log_message(self, format, *args):  # quiet tests
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):  # quiet tests
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def _record(self, request: ReceivedRequest) -> Reply:
        with self._arrived:
            index = len(self.requests)
            self.requests.append(request)
            self._arrived.notify_all()
        return self.replies[index] if index < len(self.replies) else Reply()

    def wait_for_requests(self, count: int, *, timeout: float = 10) -> bool:
        with self._arrived:
            return self._arrived.wait_for(
                lambda: len(self.requests) >= count, timeout=timeout
            )

    def release(self) -> None:
        """Let stalled requests answer."""
        self._released.set()

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
