"""Restore a backup into the configured database, which must be empty, and the empty store folders."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from riskgate.archive.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (from `manage.py backup`) into an empty database and empty MEDIA_ROOT / "
        "DECLARATION_HISTORY_DIR; checks every hash first and every table's row count after."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="the backup's folder, riskgate-YYYYMMDDTHHMMSSZ")

    def handle(self, *args, backup, **options):
        try:
            restored = restore(backup)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        files = ", ".join(f"{count} in {name}" for name, count in restored.files.items())
        self.stdout.write(
            f"restored {restored.folder}: {restored.tables} tables, {restored.rows} rows (as the manifest counts), "
            f"files: {files}. Run `manage.py migrate` if this version is newer, then `manage.py verify_audit`."
        )
