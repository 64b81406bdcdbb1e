"""Half-open connections do not stop the server answering (issue #14, point 3): gunicorn with the repository's
gunicorn.conf.py (gthread workers) still answers GET /healthz while clients hold requests half sent; plain sync
workers with the same count and their default timeout do not, so the config is what makes the difference.

gunicorn runs for real (2 workers) on a throw-away SQLite database: /healthz needs no tables. The server is the
same whichever database the suite runs on, so this runs once, with the SQLite backend.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app import ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")
THREADS = 8  # gunicorn.conf.py's default
ANSWER_WITHIN = 3.0  # seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz(port: int, timeout: float) -> float | None:
    """Seconds GET /healthz took on a fresh connection, or None if no answer came within `timeout`."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
            assert response.status == 200
    except (TimeoutError, OSError):
        return None
    return time.monotonic() - started


class Gunicorn:
    """gunicorn with the repository's config file, 2 workers, and `settings` on top, on a free port.

    `--preload` (one create_app in the master, forked into the workers) only halves the start-up time here;
    it changes nothing in how connections are read."""

    def __init__(self, folder: Path, *settings: str):
        self.port, self.log = free_port(), folder / "gunicorn.log"
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'throwaway.db'}", SECRET_KEY="faults",
                   TONGXIN_INSTANCE=str(folder / "instance"), TASK_QUEUE_FILE=str(folder / "queue.db"))
        env.pop("REDIS_URL", None)
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "-w", "2", "-b", f"127.0.0.1:{self.port}",
             "--preload", *settings, "app:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log.open("w"), start_new_session=True)

    def wait_until_answering(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while healthz(self.port, 1) is None:
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()[-2000:]
            time.sleep(0.1)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # its own process group: this master and its workers only
        self.process.wait()


@pytest.fixture(scope="module")
def servers(backend, tmp_path_factory):
    """The chosen config and plain sync workers, started together (their start-up is most of the time)."""
    if backend != "sqlite":
        pytest.skip("the server's behaviour does not depend on the database; run once")
    folder = tmp_path_factory.mktemp("gunicorn")
    chosen, sync = Gunicorn(folder / "chosen"), Gunicorn(folder / "sync", "-k", "sync", "--threads", "1")
    try:
        chosen.wait_until_answering()
        sync.wait_until_answering()
        yield {"chosen": chosen.port, "sync": sync.port}
    finally:
        chosen.stop()
        sync.stop()


@contextlib.contextmanager
def half_open(port: int, count: int):
    """`count` connections that send the first line and a header of a request, then nothing."""
    held = []
    try:
        for _ in range(count):
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: never complete
            held.append(connection)
        time.sleep(0.5)  # let the workers take them up
        yield held
    finally:
        for connection in held:
            connection.close()


def test_the_chosen_config_answers_beside_half_open_connections(servers):
    port = servers["chosen"]
    with half_open(port, 2):
        took = healthz(port, ANSWER_WITHIN)
        assert took is not None, "two half-open connections stopped the gthread workers answering"
    # One worker may have taken every half-open connection: threads - 1 of them still leave it a thread.
    with half_open(port, THREADS - 1):
        for _ in range(4):  # each new connection may land on either worker
            assert healthz(port, ANSWER_WITHIN) is not None, f"{THREADS - 1} half-open connections stopped it"


def test_plain_sync_workers_stop_answering_so_the_config_matters(servers):
    """The same two workers as sync workers (one connection each at a time, gunicorn's default 30 s timeout):
    two half-open connections hold both, and nobody else is answered."""
    port = servers["sync"]
    assert healthz(port, ANSWER_WITHIN) is not None
    with half_open(port, 2):
        assert healthz(port, ANSWER_WITHIN) is None
