"""Backups (issue 29 item 6): a backup taken while the platform writes restores into an empty database with the same
row counts and files, on the suite's database engine (SQLite, or PostgreSQL when DATABASE_URL names one); a damaged
backup and a database that is not empty are refused in one line; the rotation keeps what it says."""

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from riskgate.archive.backups import BackupError, kept, restore, rotate, verify

ROOT = Path(__file__).resolve().parents[2]

# What "the platform" writes while the backup is taken: an uploaded file, then (as an upload's record does) a row
# naming it and an audit event, in one transaction, until the stop file appears.
WRITER = """
import itertools, os, pathlib, time
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from riskgate.accounts.models import Organisation
from riskgate.core import audit
stop = pathlib.Path(os.environ["WRITER_STOP"])
for i in itertools.count():
    name = default_storage.save(f"evidence/w{i}.txt", ContentFile(f"evidence {i}".encode() * 50))
    with transaction.atomic():
        org = Organisation.objects.create(code=f"w{i}", name=name, kind="laboratory")
        audit.record(actor=None, action="organisation.created", obj=org)
    print(i, flush=True)
    time.sleep(0.01)
    if stop.exists():
        break
"""

CHECK_FILES = """
from django.core.files.storage import default_storage
from riskgate.accounts.models import Organisation
named = list(Organisation.objects.filter(code__startswith="w").values_list("name", flat=True))
missing = [name for name in named if not default_storage.exists(name)]
print(len(named), len(missing))
"""


class Site:
    """One installation: a database of its own (SQLite file or PostgreSQL database) and its own folders."""

    def __init__(self, folder: Path, database_url: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.env = {
            **os.environ,
            "RISKGATE_DEV": "1",
            "DATABASE_URL": database_url,
            "RISKGATE_VAR_DIR": str(folder),
            "MEDIA_ROOT": str(folder / "files"),
            "DECLARATION_HISTORY_DIR": str(folder / "history"),
            "BACKUP_DIR": str(folder / "backups"),
        }
        for name in ("CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"):
            self.env.pop(name, None)

    def manage(self, *args, code: str | None = None, check: bool = True):
        command = [sys.executable, str(ROOT / "manage.py"), *args]
        if code is not None:
            command += ["shell", "--no-imports", "-c", code]
        run = subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=900)
        if check:
            assert run.returncode == 0, run.stderr[-3000:]
        return run

    def popen(self, code: str, **env):
        command = [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code]
        return subprocess.Popen(
            command, env={**self.env, **env}, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )


def _postgres_url(name: str) -> str:
    s = settings.DATABASES["default"]
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture(scope="module")
def new_database(tmp_path_factory):
    """make(label): the URL of a new, empty database on the suite's engine (PostgreSQL ones dropped at the end)."""
    sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    s = settings.DATABASES["default"]
    admin = None if sqlite else psycopg.connect(
        dbname="postgres", user=s["USER"], host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432,
        password=s.get("PASSWORD") or None, autocommit=True,
    )  # fmt: skip
    created = []

    def make(label: str) -> str:
        if sqlite:
            return f"sqlite:///{tmp_path_factory.mktemp(label) / 'db.sqlite3'}"
        name = f"rg_backup_{uuid.uuid4().hex[:10]}_{label}"
        admin.execute(
            f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        )
        created.append(name)
        return _postgres_url(name)

    yield make
    for name in created:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if admin is not None:
        admin.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory, new_database, migrated_sqlite):
    """A migrated installation with an uploaded file and a history part, backed up while a writer writes; the
    backup is also copied to `kept` untouched for the tests that damage or restore it."""
    folder = tmp_path_factory.mktemp("backed-up")
    url = new_database("source")
    source = Site(folder / "source", url)
    if url.startswith("sqlite:///"):
        migrated_sqlite(Path(url.removeprefix("sqlite:///")))
    else:
        source.manage("migrate", "-v", "0")
    history = source.folder / "history" / "by_hs"
    history.mkdir(parents=True)
    (history / "part-1.parquet").write_bytes(b"PAR1 history part PAR1")
    (source.folder / "files" / "evidence").mkdir(parents=True)
    (source.folder / "files" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 a")

    stop = folder / "stop"
    writer = source.popen(WRITER, WRITER_STOP=str(stop))
    try:
        for _ in range(40):  # some writes are done before the backup starts
            assert writer.stdout.readline(), writer.stderr.read()[-2000:]
        backup = source.manage("backup")
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err[-2000:]
    assert backup.stdout.startswith("backup "), backup.stdout
    taken = next((source.folder / "backups").glob("riskgate-*"))
    kept_copy = folder / "kept" / taken.name
    shutil.copytree(taken, kept_copy)

    class BackedUp:
        site = source
        original = taken
        backup = kept_copy
        manifest = json.loads((taken / "manifest.json").read_text())
        writes = int(out.split()[-1]) + 1
        history_part = _digest(history / "part-1.parquet")

    return BackedUp


def test_a_backup_taken_while_the_platform_writes_restores_into_an_empty_database(tmp_path, backed_up, new_database):
    folder, manifest = backed_up.backup, backed_up.manifest
    assert (manifest["engine"], manifest["database"]) == (
        connection.vendor,
        "database.sqlite3" if connection.vendor == "sqlite" else "database.dump",
    )
    assert backed_up.site.manage("backup", "--verify", str(folder)).stdout.strip().endswith("intact")
    # Every confidential record is in it: readable by the platform's account only.
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o600}

    target = Site(tmp_path / "target", new_database("target"))
    restored = target.manage("restore", str(folder))
    assert "rows (as the manifest counts)" in restored.stdout
    # The same row count in every table as the snapshot held, counted again in the restored database.
    counts = target.manage(
        code="import json; from riskgate.archive.backups import live_counts as c; print(json.dumps(c()))"
    )
    assert json.loads(counts.stdout) == manifest["tables"]
    # The same files, byte for byte, and every file a restored record names is there.
    for store, folder_name in (("files", "files"), ("declaration-history", "history")):
        restored_files = {
            path.relative_to(target.folder / folder_name).as_posix(): _digest(path)
            for path in (target.folder / folder_name).rglob("*")
            if path.is_file()
        }
        assert restored_files == {name: d["sha256"] for name, d in manifest["stores"][store].items()}
    assert restored_files == {"by_hs/part-1.parquet": backed_up.history_part}
    named, missing = map(int, target.manage(code=CHECK_FILES).stdout.split())
    assert missing == 0
    # The writer had written before the snapshot and went on after it: the backup was taken while it wrote.
    assert 40 <= named < backed_up.writes
    # The snapshot is consistent: the restored audit chain verifies from its first event to its head.
    assert target.manage("verify_audit", "--checkpoints", str(tmp_path / "none.jsonl")).returncode == 0

    # Restoring again over the restored database is refused in one line and changes nothing.
    again = target.manage("restore", str(folder), check=False)
    assert again.returncode == 2
    assert (
        again.stderr.strip() == "CommandError: the configured database is not empty: restore into a new, empty database"
    )


def test_the_scheduled_job_takes_a_backup_and_rotates(backed_up):
    source = backed_up.site
    task = source.manage(
        code="import json; from riskgate.archive.tasks import take_backup; print(json.dumps(take_backup()))"
    )
    result = json.loads(task.stdout)
    # Of one day's backups the newest is kept.
    assert result["deleted"] == [str(backed_up.original)]
    assert list((source.folder / "backups").iterdir()) == [Path(result["backup"])]
    fresh = source.manage("backup", "--max-age", "1")  # what monitoring runs
    assert fresh.stdout.startswith(f"newest backup {Path(result['backup']).name}: 0.0 h old")


def test_a_damaged_backup_is_named_and_refused(tmp_path, backed_up):
    folder = tmp_path / backed_up.backup.name
    shutil.copytree(backed_up.backup, folder)
    archive = folder / "files.tar"
    data = bytearray(archive.read_bytes())
    data[data.index(b"%PDF-1.4 a")] ^= 1
    archive.write_bytes(bytes(data))
    assert verify(folder) == [
        "files.tar: changed (SHA-256 differs from the manifest)",
        "files.tar: evidence/a.pdf changed",
    ]
    checked = backed_up.site.manage("backup", "--verify", str(folder), check=False)
    assert checked.returncode == 1
    assert checked.stderr.count("\n") == 1 and "files.tar: evidence/a.pdf changed" in checked.stderr
    # Refused before anything is touched (the hashes are checked first): the suite's own database is not empty.
    with pytest.raises(BackupError, match=r"^the backup is damaged: files.tar: changed .* \(and 1 more\)$"):
        restore(folder)

    # Changed on purpose, the archive's hash written into the manifest to match: the manifest's HMAC finds it.
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["files.tar"]["sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    assert verify(folder)[0].startswith("manifest.json: its HMAC does not match")
    (folder / "manifest.hmac").unlink()
    assert verify(folder)[0] == "manifest.hmac: missing"

    database = backed_up.manifest["database"]
    (folder / database).unlink()
    (folder / "notes.txt").write_text("x")
    assert f"{database}: missing" in verify(folder)
    assert "notes.txt: not in the manifest" in verify(folder)
    with pytest.raises(BackupError, match="is not a backup: it has no manifest.json"):
        restore(tmp_path)


def test_the_rotation_keeps_the_newest_of_each_day_week_and_month():
    start = dt.datetime(2026, 1, 1, 2, 30, tzinfo=dt.UTC)
    nightly = [start + dt.timedelta(days=n) for n in range(400)]  # 2026-01-01 … 2027-02-04
    keep = kept(nightly, daily=7, weekly=4, monthly=12)
    days = sorted(t.date().isoformat() for t in keep)
    # 7 latest nights; the newest night of the 4 latest ISO weeks (2027-02-04 is a Thursday, weeks end on Sundays);
    # the newest of the 12 latest months (month ends).
    assert days == [
        "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31",
        "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31",
        "2027-01-17", "2027-01-24", "2027-01-29", "2027-01-30", "2027-01-31", "2027-02-01", "2027-02-02",
        "2027-02-03", "2027-02-04",
    ]  # fmt: skip


moments = st.lists(
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 1, 1)).map(
        lambda t: t.replace(microsecond=0, tzinfo=dt.UTC)
    ),
    unique=True,
    max_size=60,
)


@given(moments, st.integers(0, 8), st.integers(0, 5), st.integers(0, 13))
def test_the_rotation_keeps_the_newest_and_a_second_run_deletes_nothing(times, daily, weekly, monthly):
    keep = kept(times, daily=daily, weekly=weekly, monthly=monthly)
    assert keep <= set(times)
    if times:
        assert max(times) in keep
    assert len(keep) <= max(1, daily + weekly + monthly)
    for moment in keep - {max(times, default=None)}:  # each kept backup is the newest of its day
        assert moment == max(t for t in times if t.date() == moment.date())
    assert kept(list(keep), daily=daily, weekly=weekly, monthly=monthly) == keep


def test_rotate_deletes_old_backups_and_stale_leftovers_only(tmp_path, settings):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 2, 0, 0
    for day in (1, 2, 3):
        folder = tmp_path / f"riskgate-202612{day:02d}T023000Z"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
    (tmp_path / "riskgate-20261130T023000Z").mkdir()  # no manifest: not a backup, left alone
    (tmp_path / "notes").mkdir()
    stale, fresh = tmp_path / ".partial-riskgate-20261201T023000Z", tmp_path / ".partial-riskgate-20261203T023000Z"
    stale.mkdir()
    fresh.mkdir()
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    deleted = rotate(tmp_path)
    assert sorted(path.name for path in deleted) == [stale.name, "riskgate-20261201T023000Z"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        fresh.name, "notes", "riskgate-20261130T023000Z", "riskgate-20261202T023000Z", "riskgate-20261203T023000Z",
    ]  # fmt: skip
    assert rotate(tmp_path) == []
    with pytest.raises(
        CommandError, match=r"^the newest backup, riskgate-20261203T023000Z, is [\d.]+ h old \(limit 24 h\)$"
    ):
        call_command("backup", dest=tmp_path, max_age=24)
    with pytest.raises(CommandError, match="^no complete backup yet$"):
        call_command("backup", dest=tmp_path / "notes", max_age=24)
