"""What the HTTP benchmarks share: a throw-away environment (a temporary var directory, optionally a fresh
PostgreSQL database at 127.0.0.1 as user postgres) and the production web server on a free local port."""

import http.client
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _psql(sql: str, check: bool) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-d", "postgres", "-c", sql],  # noqa: S603, S607
        check=check,
    )


@contextmanager
def bench_env(prefix: str, db: str = "sqlite"):
    """The environment for the bench's processes; everything it made is removed on exit."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "riskgate.settings",
        "RISKGATE_DEV": "1",
        "USE_TLS": "0",
        "RISKGATE_VAR_DIR": str(workdir),
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_LEVEL": "WARNING",
    }
    database = None
    if db == "postgres":
        database = f"{prefix.strip('-').replace('-', '_')}_{os.getpid()}"
        _psql(
            f"CREATE DATABASE {database} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0",
            check=True,
        )
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    try:
        yield env, workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if database:
            _psql(f"DROP DATABASE IF EXISTS {database}", check=False)


@contextmanager
def gunicorn(env: dict, ready_path: str = "/healthz"):
    """The production web server (one worker per CPU, the project's gunicorn settings) on a free port of
    127.0.0.1, once it answers; yields (base URL, port, workers, the master's pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workers = os.cpu_count() or 2
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "python:riskgate.gunicorn_conf",
            "riskgate.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + ready_path)
        yield base, port, workers, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def workers_cpu_seconds(master: int) -> float:
    """User and system CPU time the server's worker processes have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that has just exited
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime and stime: fields 14 and 15 of stat
    return total


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def open_loop(port: int, requests: list[tuple], rate: float, seconds: float | None = None, until=None) -> dict:
    """Send requests (method, path, body, headers), taken in turn, to 127.0.0.1:port at a fixed rate, open loop:
    request k is due at start + k/rate whatever the earlier ones did, and its latency counts from that time, so a
    slow server cannot hide its queue. Stops after `seconds`, or once `until()` is true. 64 sender threads, each
    with a kept-alive connection. Returns p50/p95/p99/max latency (ms), the rate achieved and the errors."""
    due: queue.Queue = queue.Queue()
    latencies, errors, lock = [], [], threading.Lock()

    def sender():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (task := due.get()) is not None:
            when, (method, path, body, headers) = task
            pause = when - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError as exc:
                status = str(exc)
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            finished = time.perf_counter()
            with lock:
                latencies.append((finished - when) * 1000)
                if status != 200:
                    errors.append((path, status))

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(64)]
    for thread in threads:
        thread.start()
    start = time.perf_counter() + 0.2
    sent = 0
    while True:
        when = start + sent / rate
        if (seconds is not None and when - start >= seconds) or (until is not None and until()):
            break
        due.put((when, requests[sent % len(requests)]))
        sent += 1
        ahead = when - time.perf_counter() - 0.05  # keep the queue a little ahead of the clock
        if ahead > 0:
            time.sleep(ahead)
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    cut = statistics.quantiles(latencies, n=100)
    return {
        "p50": cut[49],
        "p95": cut[94],
        "p99": cut[98],
        "max": max(latencies),
        "rate": sent / elapsed,
        "errors": len(errors),
        "sample": errors[:3],
        "requests": sent,
    }
