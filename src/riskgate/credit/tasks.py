"""Credit background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.credit.tasks.recompute_grades")
def recompute_grades() -> dict:
    """Nightly: list entries past their period leave the lists, and every grade is computed again."""
    from .services import expire, recompute_all

    return {**recompute_all(), "entries_expired": expire()}
