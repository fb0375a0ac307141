"""Monitoring background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.monitoring.tasks.detect_signals")
def detect_signals() -> dict:
    """Judge the last complete week of every active profile (idempotent: a week already judged raises nothing
    twice)."""
    from .queries import active_profiles
    from .services import detect, last_complete_week

    week = last_complete_week()
    raised = {}
    for profile in active_profiles():
        run = detect(profile, [week])
        raised[profile.code] = run.signals_raised if run else 0
    return raised
