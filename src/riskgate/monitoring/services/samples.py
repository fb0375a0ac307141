"""Monitoring records (R-MON-2, R-MON-3): a point or a laboratory submits one record per sample, through the form
or the API; a result outside its limit makes the record risk information at once, through intake's service, with
its source (风险监测) and the record as its external reference. Submitting the same record again (same unit, same
sample number, same content) returns the stored one and creates nothing; the same number with other content is
refused. Authorities approve records; approved ones are published in aggregate and shown to the enterprises."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.assessment import queries as assessment_queries
from riskgate.assessment.models import LimitKind
from riskgate.assessment.services import passes
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.countries import is_valid_code
from riskgate.core.models import HSCode
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, is_token, recorded, require_person
from riskgate.credit import services as credit
from riskgate.intake.models import Channel, RiskInformation, SourceType
from riskgate.intake.services import store_information, warning_office

from ..models import Sample, SampleResult, SampleStatus, SamplingTask, TaskStatus, number_text
from ..queries import programme as queries

RECORD_FIELDS = [
    "sample_number",
    "product_name",
    "hs_code",
    "product_category",
    "origin_country",
    "enterprise_name",
    "sampled_on",
    "place",
]
AUTHORITY_KINDS = {
    OrganisationKind.DIRECT_BUREAU,
    OrganisationKind.INSPECTION_BODY,
    OrganisationKind.WARNING_OFFICE,
    OrganisationKind.NATIONAL_AUTHORITY,
}


def _results(rows: list[dict]) -> list[dict]:
    checked = []
    for number, row in enumerate(rows, start=1):
        item = str(row.get("item") or "").strip()
        if not item:
            raise field_error("results", _("第 %d 项检测结果没有项目名称。") % number)
        try:
            value, limit = Decimal(str(row["value"])), Decimal(str(row["limit"]))
        except (KeyError, ArithmeticError, ValueError) as exc:
            raise field_error("results", _("第 %d 项检测结果的结果或限量不是数字。") % number) from exc
        if not value.is_finite() or not limit.is_finite():
            raise field_error("results", _("第 %d 项检测结果的结果或限量不是数字。") % number)
        kind = row.get("limit_kind") or LimitKind.MAXIMUM
        if kind not in LimitKind.values:
            raise field_error("results", _("第 %d 项的限量类型应为 max 或 min。") % number)
        unit = str(row.get("unit") or "").strip()[:30]
        checked.append({"item": item[:200], "value": value, "unit": unit, "limit": limit, "limit_kind": kind})
    if not checked:
        raise field_error("results", _("请至少录入一项检测结果。"))
    return checked


def _text(value) -> str:
    return number_text(value) if isinstance(value, Decimal) else str(value)


def fingerprint(data: dict, results: list[dict], task_id: int | None, enterprise_id: int | None) -> str:
    content = {
        **{k: str(data.get(k) or "") for k in RECORD_FIELDS},
        "task": task_id,
        "enterprise": enterprise_id,
        "results": [{k: _text(r[k]) for k in sorted(r)} for r in results],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _authority_of(unit: Organisation) -> Organisation:
    """Whose jurisdiction the risk information of a unit's record falls in: the nearest customs body above the unit
    (a point or laboratory under a bureau), or the warning office for a unit outside the customs tree."""
    node = unit
    while node is not None:
        if node.kind in AUTHORITY_KINDS:
            return node
        node = node.parent
    return warning_office() or unit


def submit(
    principal: Principal,
    *,
    data: dict,
    results: list[dict],
    task: SamplingTask | None = None,
    enterprise: Organisation | None = None,
) -> tuple[Sample, bool]:
    """Store one record (`created` False when it was already stored). A point submits its own samples; a task's
    sampling unit or laboratory submits the task's samples."""
    require(principal, Permission.MONITORING_SAMPLE_SUBMIT)
    submitter = getattr(principal, "organisation", None)
    if submitter is None:
        raise PermissionDenied
    number = str(data.get("sample_number") or "").strip()
    if not number:
        raise field_error("sample_number", _("请填写样品编号。"))
    data = {**data, "sample_number": number[:60]}
    results = _results(results)
    print_ = fingerprint(data, results, task.pk if task else None, enterprise.pk if enterprise else None)
    existing = queries.existing_sample(submitter, number)
    if existing is not None:
        if existing.fingerprint != print_:
            raise field_error("sample_number", _("样品编号 %s 已报送过不同的内容；更正请联系审核单位。") % number)
        return existing, False
    if task is not None:
        if submitter.pk not in (task.organisation_id, task.laboratory_id):
            raise field_error("task", _("只有任务的抽样单位或检测实验室可以报送该任务的结果。"))
        if task.status != TaskStatus.ASSIGNED:
            raise field_error("task", _("该抽样任务已完成。"))
        unit, laboratory, plan = task.organisation, task.laboratory, task.plan
    else:
        point = queries.own_point(principal)
        if point is None:
            raise field_error("task", _("请选择抽样任务：只有运行中的监测点可以报送任务以外的监测数据。"))
        unit, laboratory, plan = submitter, None, None
    origin = str(data.get("origin_country") or "").strip().upper()
    if origin and not is_valid_code(origin):
        raise field_error("origin_country", _("不是有效的国家/地区代码：%s") % origin)
    hs = str(data.get("hs_code") or "").replace(".", "").strip()
    if hs and not (hs.isdigit() and len(hs) in (2, 4, 6, 8, 10)):
        raise field_error("hs_code", _("HS 编码应为 2、4、6、8 或 10 位数字。"))
    if laboratory is not None:  # a task's laboratory: its results only within its acceptance scope (0029)
        refused = assessment_queries.acceptance_refusal(laboratory, hs or task.hs_code, [r["item"] for r in results])
        if refused:
            raise field_error("results", refused)
    for row in results:
        row["passed"] = passes(row["value"], row["limit"], row["limit_kind"])
    sample = Sample(
        organisation=unit,
        laboratory=laboratory,
        submitter=submitter,
        plan=plan,
        task=task,
        enterprise=enterprise,
        passed=all(r["passed"] for r in results),
        fingerprint=print_,
        created_by=recorded(principal),
        **{k: data.get(k) or "" for k in RECORD_FIELDS},
    )
    sample.hs_code, sample.origin_country, sample.sampled_on = hs, origin, data.get("sampled_on")
    if enterprise is not None and not sample.enterprise_name:
        sample.enterprise_name = enterprise.name
    sample.full_clean(exclude=["fingerprint", "created_by"])
    try:
        with transaction.atomic():
            sample.save()
            SampleResult.objects.bulk_create([SampleResult(sample=sample, **r) for r in results])
            if not sample.passed:
                channel = Channel.PARTNER_API if is_token(principal) else Channel.OFFICER_ENTRY
                sample.information = _as_information(principal, sample, results, channel)
                sample.save(update_fields=["information"])
                if enterprise is not None:  # a fact for the enterprise's credit record (R-CRD-1)
                    credit.record_event(
                        enterprise=enterprise,
                        kind="monitoring_non_conforming",
                        source=f"sample:{sample.reference}",
                        detail=f"{sample.product_name} {sample.sample_number}"[:2000],
                        occurred_at=timezone.make_aware(dt.datetime.combine(sample.sampled_on, dt.time(12))),
                    )
            if task is not None:
                done = task.sample_records.count() >= task.samples
                if done:
                    SamplingTask.objects.filter(pk=task.pk).update(status=TaskStatus.DONE, updated_at=timezone.now())
            audit.record(
                actor=principal,
                action="monitoring.sample_submitted",
                obj=sample,
                organisation_id=unit.pk,
                changes={
                    "sample_number": [None, number],
                    "passed": [None, sample.passed],
                    "information": [None, sample.information_id],
                },
            )
    except IntegrityError:
        # The same record submitted twice at once: the other request stored it.
        existing = queries.existing_sample(submitter, number)
        if existing is None or existing.fingerprint != print_:
            raise
        return existing, False
    return sample, True


def _as_information(principal: Principal, sample: Sample, results: list[dict], channel: str) -> RiskInformation:
    failed = [r for r in results if not r["passed"]]
    words = {LimitKind.MAXIMUM: _("不得高于"), LimitKind.MINIMUM: _("不得低于")}
    lines = [
        f"{r['item']}: {_text(r['value'])}{r['unit']}（{words[r['limit_kind']]} {_text(r['limit'])}{r['unit']}）"
        for r in failed
    ]
    hs = sample.hs_code
    hs_code = HSCode.objects.filter(code__in=[hs[:6], hs[:4]]).order_by("-level").first() if hs else None
    info = RiskInformation(
        source_type=SourceType.RISK_MONITORING,
        channel=channel,
        external_system="monitoring",
        external_id=sample.reference,
        title=(
            _("风险监测不合格：%(product)s（样品 %(number)s，%(items)s）")
            % {
                "product": sample.product_name,
                "number": sample.sample_number,
                "items": "、".join(r["item"] for r in failed),
            }
        )[:500],
        description="\n".join(lines),
        product_name=sample.product_name[:300],
        product_category=sample.product_category[:200],
        hs_code=hs_code,
        declared_hs_code=hs,
        origin_countries=[sample.origin_country] if sample.origin_country else [],
        occurred_on=sample.sampled_on,
        notified_on=timezone.localdate(),
        organisation=_authority_of(sample.organisation),
        created_by=recorded(principal),
        source_data={
            "sample": sample.reference,
            "sample_number": sample.sample_number,
            "unit": sample.organisation.code,
            "submitter": sample.submitter.code,
            "laboratory": sample.laboratory.code if sample.laboratory_id else "",
            "task": sample.task.reference if sample.task_id else "",
            "enterprise": sample.enterprise_name,
            "results": [{**{k: str(v) if isinstance(v, Decimal) else v for k, v in r.items()}} for r in results],
        },
    )
    return store_information(principal, info)


def approve(principal: Principal, sample: Sample) -> Sample:
    require(principal, Permission.MONITORING_PLAN_MANAGE)
    require_person(principal)
    with transaction.atomic():
        locked = queries.approvable(principal).select_for_update().filter(pk=sample.pk).first()
        if locked is None:
            if Sample.objects.visible_to(principal).filter(pk=sample.pk).exists():
                raise ValidationError(_("该监测数据已审核。"))
            raise PermissionDenied
        locked.status, locked.approved_by, locked.approved_at = SampleStatus.APPROVED, principal, timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit.record(
            actor=principal,
            action="monitoring.sample_approved",
            obj=locked,
            changes={"status": [SampleStatus.SUBMITTED, SampleStatus.APPROVED]},
        )
        if locked.enterprise_id:
            transaction.on_commit(lambda: _tell_enterprise(locked))
    return locked


def _tell_enterprise(sample: Sample) -> None:
    """The enterprise a record concerns hears of it once approved (R-USE-1), with its outcome."""
    notify_organisation(
        organisation=sample.enterprise,
        permission=Permission.MONITORING_RESULT_OWN,
        kind="monitoring.result",
        title=in_both(
            lambda: (
                (_("监测结果：%(product)s 不合格") if not sample.passed else _("监测结果：%(product)s 合格"))
                % {"product": sample.product_name}
            )
        ),
        link=reverse("monitoring:sample", args=[sample.pk]),
        object_key=f"monitoring.result:{sample.pk}",
    )
