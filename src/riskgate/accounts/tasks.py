"""Periodic account housekeeping (thin: each calls a service)."""

from celery import shared_task
from django.core.management import call_command

from . import services


@shared_task(name="riskgate.accounts.tasks.purge_login_failures")
def purge_login_failures() -> int:
    return services.purge_login_failures()


@shared_task(name="riskgate.accounts.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")
