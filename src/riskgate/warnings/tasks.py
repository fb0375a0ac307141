"""Warning background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.warnings.tasks.lift_expired")
def lift_expired() -> int:
    from .services import lift_expired as run

    return run()
