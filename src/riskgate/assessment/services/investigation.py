"""Investigation and laboratory verification: findings with evidence, laboratory tasks and their results."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import field_error
from riskgate.core.evidence import check, sha256_of
from riskgate.core.principal import Principal, recorded

from .. import acceptance, queries
from ..models import (
    Assessment,
    BodyKind,
    Finding,
    LabResult,
    LabTask,
    LimitKind,
    RegisteredBody,
)
from .common import _conducting

# ----- investigation and laboratory verification ------------------------------------------------------------


def store_upload(field_file, upload) -> tuple[str, str]:
    """Keep an uploaded file checked by its content (intake's rules: images, PDF, MP4, size limit) under a random
    name; returns its original name and SHA-256. Files are served only through the scoped, audited views."""
    import uuid

    kind = check(upload)
    digest = sha256_of(upload)
    field_file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
    return upload.name[:200], digest


@transaction.atomic
def add_finding(
    principal, assessment: Assessment, *, kind: str, summary: str, occurred_on=None, place: str = "", file=None
):
    """A finding, piece of evidence or site visit, optionally with a file (photo, scanned record, video)."""
    assessment = _conducting(principal, assessment)
    finding = Finding(
        assessment=assessment, kind=kind, summary=summary, occurred_on=occurred_on, place=place, author=principal
    )
    finding.full_clean()
    if file is not None:
        finding.file_name, finding.file_sha256 = store_upload(finding.file, file)
    finding.save()
    audit.record(
        actor=principal,
        action="assessment.finding_added",
        obj=assessment,
        changes=audit.facts(kind=kind, file=finding.file_name, sha256=finding.file_sha256),
    )
    return finding


def _laboratory_ok(organisation: Organisation) -> bool:
    body = RegisteredBody.objects.filter(organisation=organisation, kind=BodyKind.VERIFICATION_LABORATORY).first()
    return body is not None and body.usable


def _hs_of(assessment: Assessment) -> str:
    """The HS code of the assessment's risk information, when one names it."""
    codes = assessment.information.exclude(hs_code=None).values_list("hs_code__code", flat=True)
    return next(iter(codes), "") or ""


@transaction.atomic
def add_lab_task(
    principal,
    assessment: Assessment,
    *,
    laboratory: Organisation,
    samples: str,
    test_items: str,
    method: str,
    hs_code: str = "",
) -> LabTask:
    """Order laboratory verification from a registered laboratory; a third-party laboratory only for test items of
    the sample's commodity that its acceptance scope covers (decision 0029)."""
    assessment = _conducting(principal, assessment)
    if not _laboratory_ok(laboratory):
        raise field_error("laboratory", _("请选择已登记、已认可且在有效期内的验证实验室。"))
    hs_code = str(hs_code or "").replace(".", "").strip() or _hs_of(assessment)
    if hs_code and not (hs_code.isdigit() and 2 <= len(hs_code) <= 10):
        raise field_error("hs_code", _("HS 编码应为 2–10 位数字。"))
    refused = queries.acceptance_refusal(laboratory, hs_code, acceptance.items_of(test_items))
    if refused:
        raise field_error("laboratory", refused)
    task = LabTask(
        assessment=assessment,
        laboratory=laboratory,
        hs_code=hs_code,
        samples=samples,
        test_items=test_items,
        method=method,
        created_by=recorded(principal),
    )
    task.full_clean()
    task.save()
    audit.record(
        actor=principal,
        action="assessment.lab_task_added",
        obj=assessment,
        changes=audit.facts(laboratory=laboratory.pk, test_items=test_items),
    )
    return task


def passes(value, limit, limit_kind: str) -> bool:
    return value <= limit if limit_kind == LimitKind.MAXIMUM else value >= limit


@transaction.atomic
def record_lab_results(
    principal: Principal, task: LabTask, *, results: list[dict], report_number: str, report_file=None
):
    """The laboratory's results: each item's value, unit and limit; pass or fail is computed, never typed."""
    _conducting(principal, task.assessment)
    task = LabTask.objects.select_for_update().get(pk=task.pk)
    if task.completed_at:
        raise field_error("results", _("该任务的结果已经录入。"))
    if not results:
        raise field_error("results", _("请至少录入一项检测结果。"))
    if not (report_number or "").strip():
        raise field_error("report_number", _("请填写检测报告编号。"))
    refused = queries.acceptance_refusal(task.laboratory, task.hs_code, [r.get("item", "") for r in results])
    if refused:
        raise field_error("results", refused)
    rows = []
    for number, r in enumerate(results, start=1):
        row = LabResult(
            task=task,
            item=r.get("item", ""),
            value=r.get("value"),
            unit=r.get("unit", ""),
            limit=r.get("limit"),
            limit_kind=r.get("limit_kind", LimitKind.MAXIMUM),
            passed=False,
        )
        try:
            row.full_clean(exclude=["task", "passed"])
        except ValidationError as exc:
            raise ValidationError({f"results[{number}].{k}": v for k, v in exc.message_dict.items()}) from exc
        row.passed = passes(row.value, row.limit, row.limit_kind)
        rows.append(row)
    LabResult.objects.bulk_create(rows)
    task.report_number = report_number.strip()
    if report_file is not None:
        task.report_name, task.report_sha256 = store_upload(task.report_file, report_file)
    task.completed_at = timezone.now()
    task.save()
    audit.record(
        actor=principal,
        action="assessment.lab_results_recorded",
        obj=task.assessment,
        changes=audit.facts(
            task=task.pk,
            report_number=task.report_number,
            failed=sum(not r.passed for r in rows),
            file_sha256=task.report_sha256,
        ),
    )
    return rows
