"""Warning background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.warnings.tasks.lift_expired")
def lift_expired() -> int:
    from .services import lift_expired as run

    return run()


@shared_task(name="riskgate.warnings.tasks.escalate_unpublished")
def escalate_unpublished() -> int:
    from .deadlines import escalate_unpublished as run

    return run()
