"""What the load benchmarks share (`make bench-load`, `make bench-scaleout`): gunicorn started with the project's
gunicorn.conf.py on a port of its own and waited for, its workers' memory read from /proc, and wrk driven with
bench/wrk_requests.lua over a file of requests (one a line), its figures read back."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().with_name("wrk_requests.lua")
USER_AGENT = "tongxin-bench/1"  # the sessions the benchmark makes are bound to it (Flask-Login's identifier)
# A phone's browser asks for compressed answers; the app compresses them itself (Flask-Compress).
ACCEPT = "Accept-Encoding: br, gzip | User-Agent: " + USER_AGENT


@contextmanager
def gunicorn(app_spec: str, port: int, env: dict, log: Path, workers: int = 2):
    """gunicorn -c gunicorn.conf.py on 127.0.0.1:port with `workers` workers (its gthread settings otherwise);
    yields the process once /healthz (or / for the bare app) answers; stopped with SIGTERM afterwards."""
    environment = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                    app_spec], cwd=ROOT, env=environment, stdout=out, stderr=out,
                                   start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz" if app_spec.startswith("app:") else f"http://127.0.0.1:{port}/",
                   process, log)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {log}")


def workers_of(master_pid: int) -> list[int]:
    """The pids of a gunicorn master's workers (its children)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process in MB, from /proc/<pid>/status (VmRSS, VmHWM)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount = line.split(":", 1)
            values[key] = int(amount.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Figures:
    """One wrk run: requests per second, latency percentiles (ms), and what went wrong."""
    requests: int
    rps: float
    p50: float
    p90: float
    p99: float
    errors: int  # answers of 4xx/5xx, timeouts, socket errors
    wrapped: int  # times a thread ran out of its lines and started again

    @classmethod
    def from_wrk(cls, raw: dict) -> Figures:
        seconds = raw["duration_us"] / 1e6
        errors = (raw["status_errors"] + raw["connect_errors"] + raw["read_errors"] + raw["write_errors"]
                  + raw["timeouts"])
        return cls(raw["requests"], raw["requests"] / seconds, raw["p50_us"] / 1000, raw["p90_us"] / 1000,
                   raw["p99_us"] / 1000, errors, raw["wrapped"])


def write_lines(lines: list[tuple[str, str, str, str]]) -> Path:
    """A requests file for wrk_requests.lua: (method, path, headers, body) per line."""
    handle, name = tempfile.mkstemp(prefix="tongxin-wrk-", suffix=".tsv")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        for method, path, headers, body in lines:
            assert "\t" not in headers + body and "\n" not in headers + body, (path, headers, body)
            out.write(f"{method}\t{path}\t{headers}\t{body}\n")
    return Path(name)


def wrk(base_url: str, lines: list[tuple[str, str, str, str]], duration: float, connections: int = 16,
        threads: int = 2, ports: list[int] | None = None) -> Figures:
    """Drive the requests at `connections` connections for `duration` seconds; with `ports`, the threads
    connect to those ports in turn."""
    path = write_lines(lines)
    env = {**os.environ, "WRK_PORTS": ",".join(str(p) for p in ports or [])}
    try:
        done = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
                               "--timeout", "10s", "-s", str(LUA), base_url, "--", str(path), str(threads)],
                              capture_output=True, text=True, env=env, timeout=duration + 60)
    finally:
        path.unlink(missing_ok=True)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return Figures.from_wrk(json.loads(line[len("WRK_JSON "):]))
    raise RuntimeError(f"wrk gave no figures: {done.stdout}\n{done.stderr}")
