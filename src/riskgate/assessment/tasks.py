"""Assessment background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.assessment.tasks.notify", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify(assessment_id: int, organisation_id: int, kind: str, title: str, key: str) -> bool:
    from .services import notify as send

    return send(assessment_id, organisation_id, kind, title, key)


@shared_task(name="riskgate.assessment.tasks.remind_and_escalate")
def remind_and_escalate() -> dict:
    from .deadlines import remind_and_escalate as run

    return run()
