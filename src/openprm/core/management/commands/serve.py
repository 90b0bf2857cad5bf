import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

WORKER_RESTART_DELAY_SECONDS = 2.0


def _die_with_parent() -> None:
    """Linux: have the kernel stop a child when serve dies, even by SIGKILL."""
    PR_SET_PDEATHSIG = 1
    # Without glibc (not Linux) children are still stopped on a clean exit.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_child(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, preexec_fn=_die_with_parent)


def default_web_workers() -> int:
    return int(os.environ.get("WEB_WORKERS", min(os.cpu_count() or 1, 4)))


def granian_command(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The granian command line, shared with the benchmark suite."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # Each blocking thread holds its own database connection; keep it small.
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--log-level",
        os.environ.get("WEB_LOG_LEVEL", "warning"),
        "openprm.wsgi:application",
    ]


class Command(BaseCommand):
    help = (
        "Serve OpenPRM in production mode: granian (WSGI) with static files served "
        "by the app, and the background worker under the same supervision. "
        "Ctrl+C or SIGTERM stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000"))
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_web_workers(),
            help="Web server processes (default: WEB_WORKERS or the number of cores, "
            "at most 4).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "2")),
            help="Request threads per web process (default: WEB_THREADS or 2).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Serve the web only; run `openprm worker` elsewhere.",
        )
        parser.add_argument(
            "--skip-collectstatic",
            action="store_true",
            help="Do not refresh the collected static files before serving.",
        )

    def handle(
        self,
        *args,
        host,
        port,
        workers,
        threads,
        no_worker,
        skip_collectstatic,
        **options,
    ):
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1")
        if not skip_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        web = start_child(
            granian_command(host=host, port=port, workers=workers, threads=threads)
        )
        worker = None if no_worker else self._start_worker()
        self.stdout.write(
            f"OpenPRM is serving on http://{host}:{port}/ (Ctrl+C stops it)"
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                if web.poll() is not None:
                    raise CommandError(
                        f"The web server exited with code {web.returncode}"
                    )
                if worker is not None and worker.poll() is not None:
                    self.stderr.write(
                        f"The worker exited with code {worker.returncode}; "
                        "restarting it"
                    )
                    time.sleep(WORKER_RESTART_DELAY_SECONDS)
                    worker = self._start_worker()
                time.sleep(0.5)
        finally:
            for process in (web, worker):
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in (web, worker):
                if process is not None:
                    try:
                        process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        process.kill()

    def _start_worker(self) -> subprocess.Popen:
        return start_child(
            [sys.executable, "-m", "openprm", "worker", "--verbosity", "0"]
        )
