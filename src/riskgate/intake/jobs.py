"""Imports started from the UI: queue a file, run it in the worker with progress, keep the report."""

import datetime as dt
import io
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit, tabular
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.permissions import Permission

from .importers import SOURCES, RowError, run_import
from .models import ImportJob, ImportStatus


def start_import(user, *, source: str, upload, organisation: Organisation) -> ImportJob:
    if not user.has_permission(Permission.INTAKE_IMPORT_RUN):
        raise PermissionDenied
    if source not in SOURCES:
        raise ValidationError({"source": [_("未知的数据来源。")]})
    if not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": [_("负责机构必须在您的辖区之内。")]})
    with transaction.atomic():
        job = ImportJob(source=source, original_name=upload.name[:200], organisation=organisation, created_by=user)
        job.file.save(upload.name, upload, save=False)
        job.save()
        audit.record(
            actor=user,
            action="intake.import_started",
            obj=job,
            changes=audit.facts(source=source, file=job.original_name),
        )
        enqueue_on_commit("riskgate.intake.tasks.run_import_job", job.pk)
    return job


class JobBusy(Exception):
    """The job runs under another worker's lease: try again once the lease may have run out."""

    def __init__(self, seconds: float):
        super().__init__(f"import job leased for {seconds:.0f} s more")
        self.seconds = seconds


def lease_seconds() -> int:
    return getattr(settings, "IMPORT_JOB_LEASE_SECONDS", 60)


MAX_ATTEMPTS = 3  # a job whose worker died this often is failed, not tried again


def claim(job_id: int, now=None) -> ImportJob | None:
    """Take the job: a queued one, or a running one whose worker's lease ran out (the worker died; the broker
    redelivered the task). None if there is nothing to do; JobBusy while another worker holds a live lease."""
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=lease_seconds())
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return None
        if job.status == ImportStatus.RUNNING and job.lease_until and job.lease_until > now:
            raise JobBusy((job.lease_until - now).total_seconds())
        if job.attempts >= MAX_ATTEMPTS:
            _fail(
                job_id, _("导入进程多次中断（%d 次），已停止重试；已完成的批次保留，可重新导入。") % job.attempts, now
            )
            return None
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.RUNNING, lease_until=lease, attempts=F("attempts") + 1
        )
    return ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)


def _fail(job_id: int, message: str, now=None) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED, error=message, finished_at=now or timezone.now(), lease_until=None
    )


@contextmanager
def heartbeat(job_id: int):
    """Renew the job's lease from a thread while the import runs (a batch may take longer than a lease)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(lease_seconds() / 3):
                ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
                    lease_until=timezone.now() + dt.timedelta(seconds=lease_seconds())
                )
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"import-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_job(job_id: int) -> None:
    """Run a queued import (idempotent: a job that already ran is left alone; one whose worker died is taken
    over once its lease runs out — the import itself is idempotent, so the batches already stored stay)."""
    job = claim(job_id)
    if job is None:
        return

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            done=done, total=total, lease_until=timezone.now() + dt.timedelta(seconds=lease_seconds())
        )

    try:
        with heartbeat(job_id):
            report = run_import(
                job.source, job.file.path, organisation=job.organisation, actor=job.created_by, progress=progress
            )
    except RowError as exc:
        _fail(job_id, str(exc))
        return
    except Exception as exc:
        _fail(job_id, _("导入中断：%s（已完成的批次保留，可重新导入）") % exc)
        raise
    sample = settings.IMPORT_REPORT_SAMPLE
    if len(report.rejected) + len(report.duplicates) > 2 * sample:
        _keep_rejections(job, report)
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.DONE, report=report.stored(sample), finished_at=timezone.now(), lease_until=None
    )


def _keep_rejections(job: ImportJob, report) -> None:
    """Every rejected and duplicate row, as a CSV the page offers for download (the stored report keeps a sample)."""
    text = io.StringIO()
    rows = [[r.line, "rejected", r.reason] for r in report.rejected]
    rows += [[r.line, "duplicate", r.reason] for r in report.duplicates]
    tabular.write_csv(text, ["line", "kind", "reason"], sorted(rows, key=lambda r: r[0]))
    job.rejections.save(f"rejections-{job.pk}.csv", ContentFile(text.getvalue().encode("utf-8-sig")), save=False)
    ImportJob.objects.filter(pk=job.pk).update(rejections=job.rejections.name)


def expire_stale(now=None, grace: int | None = None) -> int:
    """Fail the running jobs whose lease ran out more than `grace` seconds ago (their worker died and no
    redelivered task took them over): the page stops polling and says what happened. Returns how many."""
    now = now or timezone.now()
    grace = lease_seconds() if grace is None else grace
    stale = ImportJob.objects.filter(status=ImportStatus.RUNNING, lease_until__lt=now - dt.timedelta(seconds=grace))
    return stale.update(
        status=ImportStatus.FAILED,
        error=_("导入进程已停止（工作进程中断，租约已过期）；已完成的批次保留，可重新导入。"),
        finished_at=now,
        lease_until=None,
    )
