"""Archive background jobs (thin: each calls the backups module)."""

from celery import shared_task


@shared_task(name="riskgate.archive.tasks.take_backup")
def take_backup() -> dict:
    """Nightly: a backup into BACKUP_DIR, then the rotation. A second run in the same second is refused, never
    doubled."""
    from .backups import rotate, take

    folder = take()
    return {"backup": str(folder), "deleted": [str(path) for path in rotate()]}
