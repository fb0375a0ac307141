"""Imports killed with SIGKILL (issue 24 items 18–20): no orphan process, link detection that resumes, jobs that
do not stay "running" forever. Each test kills a real subprocess."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASFF = ROOT.parent / "shared" / "data" / "rasff" / "rasff_notifications_2020-01_to_2024-10.csv"


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """A migrated SQLite database of its own, with a warning office; run(args) runs manage.py in a fresh shell."""
    database = tmp_path_factory.mktemp("kills") / "db.sqlite3"
    env = {**os.environ, "RISKGATE_DEV": "1", "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, capture_output=True)
    office = "from riskgate.accounts.models import Organisation as O; O.objects.create(code='o', kind='warning_office')"
    subprocess.run([*manage, "shell", "-c", office], env=env, cwd=ROOT, check=True, capture_output=True)

    class Shell:
        def popen(self, *args):
            return subprocess.Popen(
                [*manage, *args],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )

        def run(self, *args, code: str | None = None):
            command = [*manage, *args] if code is None else [*manage, "shell", "-c", code]
            return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)

    return Shell()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="the import forks its helper only with two CPUs")
def test_a_killed_import_leaves_no_orphan_process(shell):
    """Item 19: the helper process forked by `--processes 2` dies with the import."""
    process = shell.popen(
        "import_risk_information", str(RASFF), "--source", "rasff", "--no-progress", "--processes", "2"
    )
    deadline = time.monotonic() + 120
    helpers = []
    while time.monotonic() < deadline and not helpers:
        helpers = [pid for pid in children_of(process.pid) if alive(pid)]
        time.sleep(0.05)
    assert helpers, "the import forked no helper (finished too fast?)"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in helpers):
        time.sleep(0.05)
    assert not [pid for pid in helpers if alive(pid)], "an orphaned helper outlived the killed import"


def _report_database_socket(parent: int, fd: int, pipe) -> None:
    from riskgate.intake.enrich import _detach_from_parent

    _detach_from_parent(parent)
    pipe.send(os.readlink(f"/proc/self/fd/{fd}"))


@pytest.mark.django_db
def test_the_forked_helper_lets_go_of_the_database_socket():
    """Item 19 on PostgreSQL: the helper's copy of the session's socket is gone, so a killed import's session
    (and its transaction's locks) ends with it."""
    import multiprocessing

    from django.db import connection

    connection.ensure_connection()
    if not callable(getattr(connection.connection, "fileno", None)):
        pytest.skip("SQLite: no socket to inherit")
    fd = connection.connection.fileno()
    assert os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe()
    helper = context.Process(target=_report_database_socket, args=(os.getpid(), fd, theirs))
    helper.start()
    assert mine.recv() == os.devnull
    helper.join(10)
    assert os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"), "the parent keeps its own"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
