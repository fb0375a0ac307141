"""Dashboard background jobs (thin: each calls the insight services)."""

from celery import shared_task


@shared_task(name="riskgate.insight.tasks.refresh_tallies")
def refresh_tallies() -> dict:
    """Every few minutes: count again the months holding records changed since the last refresh."""
    from .services import refresh

    return refresh()


@shared_task(name="riskgate.insight.tasks.rebuild_tallies")
def rebuild_tallies() -> int:
    """Nightly: every tally counted again from the raw rows (forgetting records an archive disposal removed)."""
    from .services import rebuild

    return rebuild()


@shared_task(name="riskgate.insight.tasks.generate_reports")
def generate_reports() -> list[str]:
    """Daily: the weekly, monthly, quarterly and yearly reports of the periods that ended, once each."""
    from .services import generate_due

    return generate_due()
