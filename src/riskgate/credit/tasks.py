"""Credit background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.credit.tasks.recompute_grades")
def recompute_grades() -> dict:
    from .services import recompute_all

    return recompute_all()
