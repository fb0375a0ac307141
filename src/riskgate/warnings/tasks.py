"""Warning background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.warnings.tasks.escalate_unpublished")
def escalate_unpublished() -> int:
    from .services.deadlines import escalate_unpublished as run

    return run()


@shared_task(name="riskgate.warnings.tasks.fan_out")
def fan_out(notice_id: int) -> int:
    from .services.delivery import fan_out as run

    ids = run(notice_id)
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


@shared_task(name="riskgate.warnings.tasks.deliver", bind=True, max_retries=5)
def deliver(self, delivery_id: int) -> str:
    """One delivery; a failure worth retrying is retried with exponential back-off (1 min … about 30 min)."""
    from .services.delivery import DeliveryError
    from .services.delivery import deliver as send

    try:
        return send(delivery_id)
    except DeliveryError as exc:
        if self.request.retries >= self.max_retries:
            return "gave_up"
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="riskgate.warnings.tasks.send_digests")
def send_digests() -> int:
    from .services.delivery import send_digests as run

    return run()


@shared_task(name="riskgate.warnings.tasks.escalate_unanswered")
def escalate_unanswered() -> int:
    from .services.inbox import escalate_unanswered as run

    return run()


@shared_task(name="riskgate.warnings.tasks.follow_up_emergencies")
def follow_up_emergencies() -> dict:
    from .services.emergency import watch

    return watch()
