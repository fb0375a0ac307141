"""A backup of the database and the stores, then the rotation (the scheduler's nightly job, from the shell)."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from riskgate.archive.backups import BackupError, backups, read_manifest, rotate, take, verify


class Command(BaseCommand):
    help = "Back up the database (SQLite or PostgreSQL) and the uploaded files while the platform runs."

    def add_arguments(self, parser):
        parser.add_argument("--dest", type=Path, help="the folder of backups (default: BACKUP_DIR)")
        parser.add_argument("--no-rotate", action="store_true", help="keep every earlier backup")
        parser.add_argument("--verify", type=Path, metavar="BACKUP", help="only check an existing backup's files")
        parser.add_argument(
            "--max-age",
            type=float,
            metavar="HOURS",
            help="only check that the newest complete backup is younger than HOURS (exit status 1 otherwise): "
            "for monitoring",
        )

    def handle(self, *args, dest=None, no_rotate=False, verify=None, max_age=None, **options):
        try:
            if verify is not None:
                return self._verify(verify)
            if max_age is not None:
                return self._check_age(dest, max_age)
            folder = take(dest)
            deleted = [] if no_rotate else rotate(dest)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        manifest = read_manifest(folder)
        rows = sum(manifest["tables"].values())
        files = sum(len(listed) for listed in manifest["stores"].values())
        self.stdout.write(f"backup {folder}: {len(manifest['tables'])} tables, {rows} rows, {files} files")
        for path in deleted:
            self.stdout.write(f"rotated out: {path}")

    def _verify(self, folder: Path):
        problems = verify(folder)
        if problems:
            raise CommandError(f"{folder}: {'; '.join(problems)}", returncode=1)
        self.stdout.write(f"{folder}: intact")

    def _check_age(self, dest: Path | None, hours: float):
        found = backups(dest)
        if not found:
            raise CommandError("no complete backup yet", returncode=1)
        newest = max(found)
        age = (timezone.now() - newest).total_seconds() / 3600
        if age > hours:
            raise CommandError(
                f"the newest backup, {found[newest].name}, is {age:.1f} h old (limit {hours:g} h)", returncode=1
            )
        self.stdout.write(f"newest backup {found[newest].name}: {age:.1f} h old")
