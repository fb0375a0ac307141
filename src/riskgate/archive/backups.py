"""Backups of the whole platform, taken while it runs, and their restore into an empty database (issue 29.6;
docs/decisions/0022).

A backup is one folder `riskgate-YYYYMMDDTHHMMSSZ/` in BACKUP_DIR:

- `database.sqlite3` (SQLite's online backup of the live file, one step: a consistent snapshot while the platform
  writes) or `database.dump` (PostgreSQL: `pg_dump -Fc` of a snapshot exported by a REPEATABLE READ transaction);
- `files.tar` (MEDIA_ROOT: uploaded evidence and attachments) and `declaration-history.tar` (the Parquet parts
  retro-screening reads), archived *after* the database snapshot: files are written once and named by the records
  that point at them, so every file the snapshot names is in the archive (a file added meanwhile is an extra);
- `manifest.json`: the format, the time, the engine, the applied migrations, the row count of every table as the
  snapshot holds it (counted in the snapshot itself, not in the live database), and the SHA-256 and size of every
  file of the backup and of every archived file; `manifest.hmac`: its HMAC-SHA256 under BACKUP_SIGNING_KEY, so a
  backup changed on purpose (its file and the manifest's hash together) is found too.

A backup holds every confidential record: its folder is readable by the platform's own account only (0700, files
0600).

The folder is written under a hidden name and renamed when complete, so a backup that was stopped half-way is never
taken for one (rotation sweeps such leftovers after a day). `restore` checks every hash first, refuses a database
that already has tables and a store folder that is not empty, restores, counts the rows again and compares them
with the manifest. Keys (SECRET_KEY, FIELD_ENCRYPTION_KEY, AUDIT_CHAIN_KEY) and the audit checkpoint file are not in
a backup: they are kept apart from it (docs/operations.md)."""

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from psycopg import sql

FORMAT = 1
NAME = re.compile(r"^riskgate-(\d{8}T\d{6}Z)$")
PARTIAL_PREFIX = ".partial-"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


@dataclass(frozen=True)
class Store:
    """A folder of files kept beside the database."""

    name: str  # the archive's name in the backup, without ".tar"
    setting: str

    @property
    def path(self) -> Path:
        return Path(getattr(settings, self.setting))


STORES = (Store("files", "MEDIA_ROOT"), Store("declaration-history", "DECLARATION_HISTORY_DIR"))


# -- reading the database ---------------------------------------------------------------------------------------


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _sqlite_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("the database is in memory: there is no file to back up")
    return Path(name)


def _pg_params() -> dict:
    """The connection parameters of the configured PostgreSQL database, for psycopg and for pg_dump/pg_restore."""
    s = connection.settings_dict
    params = {"dbname": s["NAME"], "user": s.get("USER") or None, "host": s.get("HOST") or None}
    if s.get("PORT"):
        params["port"] = str(s["PORT"])
    if s.get("PASSWORD"):
        params["password"] = s["PASSWORD"]
    return {key: value for key, value in params.items() if value}


def _pg_env(params: dict) -> dict:
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "host": "PGHOST", "port": "PGPORT", "password": "PGPASSWORD"}
    return {**os.environ, **{names[key]: value for key, value in params.items()}}


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    quoted = {table: '"' + table.replace('"', '""') + '"' for table in tables}
    return {table: db.execute(f"SELECT count(*) FROM {quoted[table]}").fetchone()[0] for table in tables}  # noqa: S608


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_migrations(db: sqlite3.Connection) -> list[list[str]]:
    return [list(row) for row in db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")]


def _pg_migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def live_tables() -> list[str]:
    """The tables of the configured database (an empty list: an empty database, ready for a restore)."""
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def live_counts() -> dict[str, int]:
    """The row count of every table of the configured database, as `manifest["tables"]` holds them."""
    engine = _engine()
    if engine == "sqlite":
        db = sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True)
        try:
            return _sqlite_counts(db)
        finally:
            db.close()
    with psycopg.connect(**_pg_params()) as db, db.cursor() as cursor:
        return _pg_counts(cursor)


# -- files ------------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _described(path: Path) -> dict:
    return {"sha256": _sha256(path), "bytes": path.stat().st_size}


class _Hashing:
    """A file read for the tar, hashed as it is read: the manifest's SHA-256 is that of the very bytes archived."""

    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _archive(store: Store, target: Path) -> dict[str, dict]:
    """Write the store's regular files (symbolic links and other kinds are left out) into `target` as a tar; return
    each archived file's SHA-256 and size by its path inside the store. A file still being written is archived as
    far as it was written when its entry was made (no row of the snapshot names it yet)."""
    listed: dict[str, dict] = {}
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as tar:
        if store.path.is_dir():
            for path in sorted(store.path.rglob("*")):
                if path.is_symlink() or not path.is_file():
                    continue
                relative = path.relative_to(store.path).as_posix()
                try:
                    with path.open("rb") as stream:
                        info = tar.gettarinfo(fileobj=stream, arcname=relative)
                        reader = _Hashing(stream)
                        tar.addfile(info, reader)
                except FileNotFoundError:  # removed before it was opened (a superseded history part): not needed
                    continue
                listed[relative] = {"sha256": reader.digest.hexdigest(), "bytes": info.size}
    return listed


# -- taking a backup --------------------------------------------------------------------------------------------


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def take(destination: Path | None = None, *, now: dt.datetime | None = None) -> Path:
    """Take a backup of the database and the stores into `destination` (BACKUP_DIR); return its folder."""
    engine = _engine()
    destination = Path(destination or backup_dir())
    destination.mkdir(parents=True, exist_ok=True)
    now = (now or timezone.now()).astimezone(dt.UTC)
    name = f"riskgate-{now:%Y%m%dT%H%M%SZ}"
    final = destination / name
    if final.exists():
        raise BackupError(f"{final} already exists: one backup a second at the most")
    partial = destination / f"{PARTIAL_PREFIX}{name}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        if engine == "sqlite":
            database, tables, migrations = _take_sqlite(partial)
        else:
            database, tables, migrations = _take_postgresql(partial)
        files = {database: _described(partial / database)}
        stores = {}
        for store in STORES:
            archive = f"{store.name}.tar"
            stores[store.name] = _archive(store, partial / archive)
            files[archive] = _described(partial / archive)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "engine": engine,
            "database": database,
            "migrations": migrations,
            "tables": tables,
            "files": files,
            "stores": stores,
        }
        text = (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
        (partial / MANIFEST).write_bytes(text)
        (partial / SIGNATURE).write_text(_signature(text) + "\n")
        for path in partial.iterdir():
            path.chmod(0o600)
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _take_sqlite(folder: Path):
    source = sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True, timeout=60)
    target = sqlite3.connect(folder / "database.sqlite3")
    try:
        source.backup(target)  # one step: the whole file under one read transaction, writers carry on (WAL)
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the copied database fails SQLite's check: {check}")
        return "database.sqlite3", _sqlite_counts(target), _sqlite_migrations(target)
    finally:
        target.close()
        source.close()


def _take_postgresql(folder: Path):
    params = _pg_params()
    with psycopg.connect(**params) as db:
        db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        db.read_only = True
        with db.transaction(), db.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            # pg_dump reads the very snapshot the counts are taken in, while this transaction holds it.
            run = subprocess.run(  # noqa: S603 - a fixed program; the arguments are ours
                [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 "--file", str(folder / "database.dump")],
                env=_pg_env(params), capture_output=True, text=True,
            )  # fmt: skip
            if run.returncode:
                raise BackupError(f"pg_dump failed: {_last_line(run.stderr)}")
            return "database.dump", _pg_counts(cursor), _pg_migrations(cursor)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return found


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


# -- checking and restoring -------------------------------------------------------------------------------------


def _signature(manifest: bytes) -> str:
    return hmac.new(settings.BACKUP_SIGNING_KEY.encode(), manifest, "sha256").hexdigest()


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path}: unknown backup format {manifest.get('format') if isinstance(manifest, dict) else None!r}"
        )
    return manifest


def verify(folder: Path) -> list[str]:
    """Every problem of the backup in `folder` (a missing, changed or unlisted file), one line each; [] when intact."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = []
    signature = folder / SIGNATURE
    if not signature.is_file():
        problems.append(f"{SIGNATURE}: missing")
    elif not hmac.compare_digest(signature.read_text().strip(), _signature((folder / MANIFEST).read_bytes())):
        problems.append(f"{MANIFEST}: its HMAC does not match (changed, or signed under another BACKUP_SIGNING_KEY)")
    for name, described in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif _sha256(path) != described["sha256"]:
            problems.append(f"{name}: changed (SHA-256 differs from the manifest)")
    listed = set(manifest["files"]) | {MANIFEST, SIGNATURE}
    problems += [f"{path.name}: not in the manifest" for path in sorted(folder.iterdir()) if path.name not in listed]
    for store in STORES:
        archive = folder / f"{store.name}.tar"
        if not archive.is_file() or f"{store.name}.tar" not in manifest["files"]:
            continue
        with tarfile.open(archive) as tar:
            members = {member.name: member for member in tar.getmembers() if member.isfile()}
            expected = manifest["stores"].get(store.name, {})
            for name in sorted(set(members) | set(expected)):
                if name not in expected:
                    problems.append(f"{store.name}.tar: {name} not in the manifest")
                elif name not in members:
                    problems.append(f"{store.name}.tar: {name} missing")
                else:
                    digest = hashlib.sha256(tar.extractfile(members[name]).read()).hexdigest()
                    if digest != expected[name]["sha256"]:
                        problems.append(f"{store.name}.tar: {name} changed")
    return problems


@dataclass(frozen=True)
class Restored:
    folder: Path
    tables: int
    rows: int
    files: dict[str, int]


def restore(folder: Path) -> Restored:
    """Restore the backup in `folder` into the configured database, which must be empty, and the stores, whose
    folders must be empty; then count again and compare with the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = verify(folder)
    if problems:
        raise BackupError(
            f"the backup is damaged: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"the backup is of a {manifest['engine']} database; the configured database is {engine}")
    if live_tables():
        raise BackupError("the configured database is not empty: restore into a new, empty database")
    known = {(app, name) for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(f"the backup is from a newer version (migration {unknown[0]} is unknown here): upgrade first")
    for store in STORES:
        if store.path.is_dir() and any(path.is_file() for path in store.path.rglob("*")):
            raise BackupError(f"{store.path} ({store.setting}) is not empty: restore into an empty folder")
    if engine == "sqlite":
        _restore_sqlite(folder / manifest["database"])
    else:
        _restore_postgresql(folder / manifest["database"])
    files = {}
    for store in STORES:
        store.path.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / f"{store.name}.tar") as tar:
            tar.extractall(store.path, filter="data")
        files[store.name] = len(manifest["stores"].get(store.name, {}))
    counts = live_counts()
    if counts != manifest["tables"]:
        differing = sorted(
            t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"restored, but the row counts differ from the manifest in {', '.join(differing[:5])}")
    return Restored(folder, len(counts), sum(counts.values()), files)


def _restore_sqlite(dump: Path) -> None:
    target = _sqlite_path()
    connection.close()
    partial = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(dump, partial)
    for leftover in (target.with_name(f"{target.name}-wal"), target.with_name(f"{target.name}-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(partial, target)


def _restore_postgresql(dump: Path) -> None:
    params = _pg_params()
    connection.close()
    run = subprocess.run(  # noqa: S603 - a fixed program; the arguments are ours
        [_program("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
         "--dbname", params["dbname"], str(dump)],
        env=_pg_env(params), capture_output=True, text=True,
    )  # fmt: skip
    if run.returncode:
        raise BackupError(f"pg_restore failed (nothing was restored): {_last_line(run.stderr)}")


# -- rotation ---------------------------------------------------------------------------------------------------


def kept(times: list[dt.datetime], *, daily: int, weekly: int, monthly: int) -> set[dt.datetime]:
    """Which backups a daily/weekly/monthly rotation keeps: the newest backup of each of the `daily` latest days
    that have one, of each of the `weekly` latest ISO weeks and of each of the `monthly` latest months. The newest
    backup is always kept."""
    newest_first = sorted(times, reverse=True)
    keep = set(newest_first[:1])
    for count, period in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen = []
        for time in newest_first:
            key = period(time)
            if key not in seen:
                if len(seen) == count:
                    break
                seen.append(key)
                keep.add(time)
    return keep


def backups(destination: Path | None = None) -> dict[dt.datetime, Path]:
    """The complete backups in `destination` by their time."""
    destination = Path(destination or backup_dir())
    found = {}
    if destination.is_dir():
        for path in destination.iterdir():
            match = NAME.match(path.name)
            if match and (path / MANIFEST).is_file():
                found[dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)] = path
    return found


def rotate(destination: Path | None = None, *, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups the rotation no longer keeps (BACKUP_KEEP_DAILY/WEEKLY/MONTHLY) and the leftovers of
    backups stopped half-way more than a day ago; return what was deleted."""
    destination = Path(destination or backup_dir())
    found = backups(destination)
    keep = kept(
        list(found),
        daily=settings.BACKUP_KEEP_DAILY,
        weekly=settings.BACKUP_KEEP_WEEKLY,
        monthly=settings.BACKUP_KEEP_MONTHLY,
    )
    deleted = [path for time, path in sorted(found.items()) if time not in keep]
    cutoff = (now or timezone.now()).timestamp() - 24 * 3600
    if destination.is_dir():
        deleted += [
            path
            for path in sorted(destination.glob(f"{PARTIAL_PREFIX}*"))
            if path.is_dir() and path.stat().st_mtime < cutoff
        ]
    for path in deleted:
        shutil.rmtree(path)
    return deleted
