"""Long lists exported as background jobs (issue 26.4): the officer asks, a worker writes the file and counts
its progress, the officer's page follows it and then offers the download.

27,000 risk-information rows took 8–10 s to answer as one request: a browser waits without a word, a proxy may
cut it, and a web worker is held the whole time. Here the request only records the job (and its audit event);
the worker reads the rows as the owner (the same scoped queries as the list, with the permission checked
again when it runs), writes them to a file outside the web root under a random name, and records how many rows
it has written every PROGRESS_EVERY rows. Only the owner sees the job and downloads the file, which is deleted
after EXPORT_TTL_HOURS (purge_exports, scheduled; also a command).

An app offers a list for export by registering an `ExportKind` (in its AppConfig.ready): its permission, its
columns and its rows for a principal and the list's address parameters. The task is idempotent: a job is
claimed once (queued → running), so a message delivered twice writes one file.
"""

import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import audit, tabular
from .access import require
from .jobs import enqueue_on_commit
from .models import ExportJob, ExportStatus
from .permissions import Permission
from .principal import Principal

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ExportKind:
    name: str  # e.g. "intake.information"
    label: Promise  # what the list is, for the job page
    permission: Permission
    audit_action: str  # the event recorded when an export is asked for
    filename: str  # the file name's stem
    header: Callable[[], list[str]]  # the column names, in the active language
    rows: Callable[[Principal, QueryDict], tuple[int, Iterable[list]]]  # (how many, the rows)
    back: str  # the list's URL name
    # Refuses (ValidationError) address parameters the list would refuse, before a job is recorded.
    check: Callable[[Principal, QueryDict], object] | None = None


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    KINDS[kind.name] = kind


def kind_of(job: ExportJob) -> ExportKind | None:
    return KINDS.get(job.kind)


def start(principal: Principal, kind_name: str, fmt: str, query: str) -> ExportJob:
    """Record an export of a list (its address parameters `query`) and queue it; audited as the list's export."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ValidationError({"kind": [_("未知的导出内容。")]})
    if fmt not in FORMATS:
        raise ValidationError({"format": [_("导出格式只能是 CSV 或 XLSX。")]})
    require(principal, kind.permission)
    query = QueryDict(query or "").copy()
    query.pop("page", None)
    if kind.check is not None:
        kind.check(principal, query)
    job = ExportJob.objects.create(
        owner=principal,
        kind=kind.name,
        format=fmt,
        query=query.urlencode()[:4000],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        expires_at=timezone.now() + dt.timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    audit.record(
        actor=principal,
        action=kind.audit_action,
        obj=job,
        changes=audit.facts(format=fmt, filter=query.dict(), job=job.pk),
    )
    enqueue_on_commit("riskgate.core.tasks.run_export", job.pk)
    return job


def run(job_id: int) -> str:
    """Write a queued job's file (the task's body). A job already claimed, finished or gone is left as it is."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now
    ):
        job = ExportJob.objects.filter(pk=job_id).first()
        return job.status if job else "missing"
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    kind = kind_of(job)
    with translation.override(job.language):  # the columns and any message in the asker's language
        return _write(job, kind)


def _write(job: ExportJob, kind: ExportKind | None) -> str:
    target = None
    try:
        if kind is None:
            raise ExportRefused(_("未知的导出内容。"))
        owner = job.owner
        if not owner.is_active or not owner.has_permission(kind.permission):
            raise ExportRefused(_("导出人已没有导出这份清单的权限。"))
        total, rows = kind.rows(owner, QueryDict(job.query))
        total = min(total, settings.EXPORT_MAX_ROWS)
        ExportJob.objects.filter(pk=job.pk).update(total=total)
        Path(settings.EXPORT_DIR).mkdir(parents=True, exist_ok=True)
        name = f"{job.pk}-{secrets.token_hex(12)}.{job.format}"
        target = Path(settings.EXPORT_DIR) / name
        partial = target.with_suffix(".part")
        counted = _counting(job.pk, rows, total)
        if job.format == "xlsx":
            tabular.write_xlsx(partial, str(kind.label), kind.header(), counted)
        else:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                out.writelines(tabular.csv_lines(kind.header(), counted))
        os.replace(partial, target)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE,
            done=total,
            file=name,
            size=target.stat().st_size,
            finished_at=timezone.now(),
        )
        return ExportStatus.DONE
    except ExportRefused as exc:
        _fail(job, str(exc.args[0]))
    except ValidationError as exc:
        _fail(job, " ".join(exc.messages))
    except Exception:
        log.exception("export %s failed", job.pk)
        _fail(job, _("导出时出错，已记录；请重新导出。"))
    if target is not None:
        for leftover in (target, target.with_suffix(".part")):
            leftover.unlink(missing_ok=True)
    return ExportStatus.FAILED


class ExportRefused(Exception):
    """A job that may not run (its kind is gone, its owner lost the permission)."""


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=message, finished_at=timezone.now())


def _counting(job_id: int, rows: Iterable[list], total: int) -> Iterator[list]:
    for n, values in enumerate(rows, start=1):
        if n > total:
            break
        yield values
        if n % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(done=n)


def visible(principal: Principal):
    """The principal's own exports (nobody else's: an export holds what its owner may read)."""
    return ExportJob.objects.filter(owner_id=getattr(principal, "pk", None))


def path_of(job: ExportJob) -> Path | None:
    """The file of a finished, unexpired job, if it is still on disk."""
    if job.status != ExportStatus.DONE or not job.file or job.expires_at <= timezone.now():
        return None
    path = Path(settings.EXPORT_DIR) / job.file
    return path if path.is_file() else None


def downloaded(principal: Principal, job: ExportJob) -> None:
    audit.record(actor=principal, action="export.downloaded", obj=job, changes=audit.facts(kind=job.kind))


def purge() -> int:
    """Delete the files of expired exports (the jobs stay, marked expired) and fail jobs left running by a worker
    that died. Returns how many files were deleted."""
    now = timezone.now()
    stale = now - dt.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    ExportJob.objects.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=stale).update(
        status=ExportStatus.FAILED, error=_("导出被中断；请重新导出。"), finished_at=now
    )
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportStatus.EXPIRED):
        if job.file:
            path = Path(settings.EXPORT_DIR) / job.file
            if path.is_file():
                path.unlink()
                deleted += 1
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
    return deleted
