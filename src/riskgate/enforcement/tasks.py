"""Enforcement background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.enforcement.tasks.escalate_cases")
def escalate_cases() -> dict:
    """Hourly: supervised cases past their deadline are escalated, commitments past their due day recorded, once."""
    from .services import watch_deadlines

    return watch_deadlines()
