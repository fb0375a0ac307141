"""What the HTTP benchmarks share: a throw-away environment (a temporary var directory, optionally a fresh
PostgreSQL database at 127.0.0.1 as user postgres) and the production web server on a free local port."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
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
