"""Periodic core jobs and the worker health check (thin: each calls a service)."""

import logging
import socket

from celery import shared_task

from . import audit

log = logging.getLogger(__name__)


@shared_task(name="riskgate.core.tasks.verify_audit_chain")
def verify_audit_chain() -> dict:
    report = audit.verify_chain()
    if not report.ok:
        log.error("%s", report)
    return {"ok": report.ok, "checked": report.checked, "broken_seq": report.broken_seq, "problem": report.problem}


@shared_task(name="riskgate.core.tasks.checkpoint_audit_chain")
def checkpoint_audit_chain() -> int | None:
    """Anchor the chain's head in the checkpoint file outside the database (after verifying the chain)."""
    report = audit.verify_chain()
    if not report.ok:
        log.error("%s", report)
        return None
    line = audit.write_checkpoint()
    return line["seq"] if line else None


@shared_task(name="riskgate.core.tasks.purge_rate_events")
def purge_rate_events() -> int:
    from .ratelimit import purge

    return purge()


@shared_task(name="riskgate.core.tasks.worker_health")
def worker_health(token: str) -> dict:
    """Echo a token with the worker's host name: proves a round trip through the broker."""
    return {"token": token, "worker": socket.gethostname()}


@shared_task(name="riskgate.core.tasks.run_export")
def run_export(job_id: int) -> str:
    from .exports import run

    return run(job_id)


@shared_task(name="riskgate.core.tasks.purge_exports")
def purge_exports() -> int:
    from .exports import purge

    return purge()
