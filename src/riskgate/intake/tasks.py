"""Intake background jobs (thin: each calls a service)."""

from celery import shared_task

from . import services


@shared_task(name="riskgate.intake.tasks.notify_about", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_about(info_id: int, organisation_id: int, kind: str, title: str) -> bool:
    return services.notify_about(info_id, organisation_id, kind, title)


@shared_task(name="riskgate.intake.tasks.escalate_overdue")
def escalate_overdue() -> dict:
    from .deadlines import escalate_overdue as escalate

    return escalate()


@shared_task(name="riskgate.intake.tasks.run_import_job", bind=True, max_retries=20)
def run_import_job(self, job_id: int) -> None:
    from .jobs import JobBusy, run_job

    try:
        run_job(job_id)
    except JobBusy as busy:  # redelivered while the lease of the worker that died has not run out yet
        raise self.retry(countdown=busy.seconds + 1) from busy


@shared_task(name="riskgate.intake.tasks.expire_stale_import_jobs")
def expire_stale_import_jobs() -> int:
    from .jobs import expire_stale

    return expire_stale()


@shared_task(name="riskgate.intake.tasks.detect_links")
def detect_links(ids: list[int]) -> int:
    from .linking import detect

    return detect(ids)


@shared_task(name="riskgate.intake.tasks.detect_pending_links")
def detect_pending_links() -> int:
    from .linking import detect_pending

    return detect_pending()
