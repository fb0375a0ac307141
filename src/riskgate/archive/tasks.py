"""Archive background jobs (thin: each calls the backups module or the archive's services)."""

from celery import shared_task


@shared_task(name="riskgate.archive.tasks.take_backup")
def take_backup() -> dict:
    """Nightly: a backup into BACKUP_DIR, then the rotation. A second run in the same second is refused, never
    doubled."""
    from .backups import rotate, take

    folder = take()
    return {"backup": str(folder), "deleted": [str(path) for path in rotate()]}


@shared_task(name="riskgate.archive.tasks.run_retention")
def run_retention() -> dict:
    """Daily: archive what closed, then list what is past its retention in each unit's draft disposal review.
    Nothing is disposed of here; a second run the same day changes nothing."""
    from .services import run_retention

    return run_retention()
