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


@shared_task(name="riskgate.intake.tasks.run_import_job")
def run_import_job(job_id: int) -> None:
    from .jobs import run_job

    run_job(job_id)


@shared_task(name="riskgate.intake.tasks.detect_links")
def detect_links(ids: list[int]) -> int:
    from .linking import detect

    return detect(ids)
