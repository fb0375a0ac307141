"""Imports started from the UI: queue a file, run it in the worker with progress, keep the report."""

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
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


def run_job(job_id: int) -> None:
    """Run a queued import (idempotent: a job that already ran is left alone)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING)
    if not claimed:
        return
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        report = run_import(
            job.source, job.file.path, organisation=job.organisation, actor=job.created_by, progress=progress
        )
    except RowError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return
    except Exception as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            error=_("导入中断：%s（已完成的批次保留，可重新导入）") % exc,
            finished_at=timezone.now(),
        )
        raise
    data = dataclasses.asdict(report)
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.DONE, report=data, finished_at=timezone.now())
