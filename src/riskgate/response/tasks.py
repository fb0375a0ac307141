"""Rapid-response background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.response.tasks.lift_expired")
def lift_expired() -> int:
    from .services import lift_expired as run

    return run()


@shared_task(name="riskgate.response.tasks.notify", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify(order_id: int, organisation_id: int) -> bool:
    from .services import notify_unit

    return notify_unit(order_id, organisation_id)
