"""Port-control background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.targeting.tasks.retro_screen")
def retro_screen(rule_id: int) -> int:
    from .services.retro import run

    retro = run(rule_id)
    return retro.tasks_opened if retro else 0


@shared_task(name="riskgate.targeting.tasks.export_history")
def export_history() -> int:
    from riskgate.core.priority import at_low_priority

    from .services.retro import EXPORT_BUDGET, export

    return at_low_priority(export, budget=EXPORT_BUDGET)


@shared_task(name="riskgate.targeting.tasks.refresh_commodity_records")
def refresh_commodity_records() -> int:
    from .services.supervision import refresh_records

    return refresh_records()
