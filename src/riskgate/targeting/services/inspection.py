"""Inspection tasks (查验任务): every hit or random selection of a screening becomes a task at the port that works
the item's port code; the port records the outcome, with findings and laboratory results; a non-conforming
outcome becomes risk information of the source "inspection non-conformity" in intake at once. Rule effectiveness
(hits, inspections, non-conformities, hit rate) is counted from the tasks."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.assessment import queries as assessment_queries
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.fastpath.bulk import insert_returning, insert_values, new_instances
from riskgate.core.models import HSCode
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, recorded
from riskgate.credit import services as credit
from riskgate.intake.models import Channel, RiskInformation, SourceType, TradeDirection
from riskgate.intake.services import store_information

from ..models import (
    RELEASE_ACTION,
    ControlRule,
    InspectionTask,
    LabResult,
    Outcome,
    PortOffice,
    ScreeningDecision,
    TaskKind,
    TaskStatus,
    enterprise_key,
)

MAX_LAB_RESULTS = 50


def port_organisations(port_codes) -> dict[str, int]:
    """{port code: organisation id} for the codes that have a port office."""
    return dict(PortOffice.objects.filter(code__in=set(port_codes)).values_list("code", "organisation_id"))


def open_for_decisions(
    decisions: list[ScreeningDecision], rule_pks: dict, ports: dict, *, fallback: Organisation
) -> int:
    """One open task per decision that is not a release, at the port's organisation (`ports`: {port code:
    organisation id}, else the screening organisation), linked to the rule versions that matched."""
    hits = [d for d in decisions if d.action != RELEASE_ACTION]
    if not hits:
        return 0
    tasks = new_instances(
        InspectionTask,
        [
            {
                "kind": TaskKind.RANDOM if d.random else TaskKind.SCREENING,
                "decision_id": d.pk,
                "declaration_id": d.declaration_id,
                "item_no": d.item_no,
                "item": d.item,
                "hs_code": d.item["hs_code"],
                "enterprises": enterprise_key(d.item.get("enterprise_ids")),
                "action": d.action,
                "organisation_id": ports.get(d.item.get("port"), fallback.pk),
            }
            for d in hits
        ],
    )
    insert_returning(tasks)
    insert_values(
        InspectionTask.rules.through,
        ["inspectiontask_id", "controlrule_id"],
        [
            [task.pk, rule_pks[reference]]
            for task, decision in zip(tasks, hits, strict=True)
            for reference in decision.matched_rules
            if reference in rule_pks
        ],
    )
    return len(tasks)


def _institution(code, hs_code: str, test_item: str, n: int) -> Organisation | None:
    """The testing institution a result names (by its code), refused unless its results are accepted for this
    commodity and test item (decision 0029); None for the port's own test."""
    code = str(code or "").strip()
    if not code:
        return None
    institution = Organisation.objects.filter(code=code[:64], is_active=True).first()
    if institution is None:
        raise field_error(f"lab_results[{n}].institution", _("未知的检测机构：%s") % code[:64])
    refused = assessment_queries.acceptance_refusal(institution, hs_code, [test_item])
    if refused:
        raise field_error(f"lab_results[{n}].institution", refused)
    return institution


def _lab_results(rows, hs_code: str = "") -> list[LabResult]:
    if not isinstance(rows, list) or len(rows) > MAX_LAB_RESULTS:
        raise field_error("lab_results", _("实验室检测结果应为列表，最多 %d 项。") % MAX_LAB_RESULTS)
    results = []
    for n, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) - {"test_item", "result", "unit", "limit", "conforms", "institution"}:
            raise field_error(f"lab_results[{n}]", _("每项检测结果包括检测项目、结果、单位、限量和是否符合。"))
        test_item, value = str(row.get("test_item") or "").strip(), str(row.get("result") or "").strip()
        if not test_item or not value:
            raise field_error(f"lab_results[{n}]", _("请填写检测项目和检测结果。"))
        if not isinstance(row.get("conforms"), bool):
            raise field_error(f"lab_results[{n}].conforms", _("请说明该项是否符合要求。"))
        results.append(
            LabResult(
                test_item=test_item[:200],
                result=value[:100],
                unit=str(row.get("unit") or "")[:40],
                limit=str(row.get("limit") or "")[:200],
                conforms=row["conforms"],
                institution=_institution(row.get("institution"), hs_code, test_item[:200], n),
            )
        )
    return results


def record_outcome(
    principal, task: InspectionTask, *, outcome: str, findings: str = "", lab_results: list | None = None
) -> InspectionTask:
    """The port's result of a task. Non-conforming needs findings and becomes risk information in intake."""
    require(principal, Permission.TARGETING_TASK_RECORD)
    findings = (findings or "").strip()
    if outcome not in Outcome.values:
        raise field_error("outcome", _("请选择合格或不合格。"))
    results = _lab_results(lab_results or [], task.hs_code)
    if outcome == Outcome.NON_CONFORMING and not findings:
        raise field_error("findings", _("不合格须写明查验发现。"))
    if outcome == Outcome.CONFORMING and any(not r.conforms for r in results):
        raise field_error("outcome", _("有不符合要求的检测项目，结果不能为合格。"))
    with transaction.atomic():
        task = InspectionTask.objects.select_for_update().filter(pk=task.pk).first()
        if task is None or not InspectionTask.objects.visible_to(principal).filter(pk=task.pk).exists():
            raise PermissionDenied
        if task.status != TaskStatus.OPEN:
            raise field_error("status", _("该查验任务已办结。"))
        now = timezone.now()
        task.status, task.outcome, task.findings = TaskStatus.DONE, outcome, findings
        task.completed_at, task.completed_by = now, recorded(principal)
        for result in results:
            result.task = task
        LabResult.objects.bulk_create(results)
        if outcome == Outcome.NON_CONFORMING:
            task.information = _nonconformity(principal, task, results, now)
            _credit_events(task, now)
        task.save(update_fields=["status", "outcome", "findings", "completed_at", "completed_by", "information"])
        audit.record(
            actor=principal,
            action="inspection_task.completed",
            obj=task,
            object_repr=task.reference,
            changes={"outcome": outcome, "lab_results": len(results), "information": task.information_id},
            organisation_id=task.organisation_id,
        )
    return task


def _nonconformity(
    principal: Principal, task: InspectionTask, results: list[LabResult], now: dt.datetime
) -> RiskInformation:
    """The non-conforming inspection as risk information (source: 检验监管不合格), in the task's jurisdiction."""
    item = task.item
    hs = item.get("hs_code") or ""
    hs_code = HSCode.objects.filter(code__in=[hs[:6], hs[:4]]).order_by("-level").first()
    description = item.get("description") or ""
    limit = _("限量")  # outside the f-string, where xgettext finds it
    failed = [f"{r.test_item}: {r.result}{r.unit} ({limit} {r.limit})" for r in results if not r.conforms]
    direction = item.get("direction")
    info = RiskInformation(
        source_type=SourceType.INSPECTION_NONCONFORMITY,
        channel=Channel.OFFICER_ENTRY,
        external_system="targeting",
        external_id=task.reference,
        title=(
            _("口岸查验不合格：%(goods)s（报关单 %(declaration)s 第 %(item)s 项）")
            % {"goods": description[:120] or hs, "declaration": task.declaration_id, "item": task.item_no}
        )[:500],
        description="\n".join([task.findings, *failed]),
        product_name=description[:300],
        hs_code=hs_code,
        trade_direction=direction if direction in TradeDirection.values else TradeDirection.UNKNOWN,
        origin_countries=[item["origin_country"]] if item.get("origin_country") else [],
        occurred_on=now.date(),
        notified_on=now.date(),
        organisation_id=task.organisation_id,
        created_by=person(principal),
        control_measures=task.get_action_display(),
        source_data={
            "task": task.reference,
            "declaration_id": task.declaration_id,
            "item_no": task.item_no,
            "item": item,
            "rules": [r.reference for r in task.rules.all()],
            "lab_results": [
                {"test_item": r.test_item, "result": r.result, "unit": r.unit, "limit": r.limit, "conforms": r.conforms}
                for r in results
            ],
        },
    )
    return store_information(principal, info)


def _credit_events(task: InspectionTask, now: dt.datetime) -> None:
    """A non-conforming inspection is a fact for the credit record of each enterprise of the item (R-CRD-1)."""
    ids = [int(pk) for pk in task.enterprises.strip("|").split("|") if pk]
    for enterprise in Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.ENTERPRISE):
        credit.record_event(
            enterprise=enterprise,
            kind="inspection_non_conforming",
            source=f"inspection:{task.reference}",
            detail=(task.findings or "")[:2000],
            occurred_at=now,
        )


def effectiveness(rules) -> dict[int, dict]:
    """{rule pk: {"hits", "inspections", "nonconformities", "hit_rate"}} counted from the tasks of each rule
    version: a hit is a task the rule matched, the hit rate is non-conformities per completed inspection."""
    rows = (
        InspectionTask.rules.through.objects.filter(controlrule__in=rules)
        .values("controlrule_id")
        .annotate(
            hits=Count("id"),
            inspections=Count("id", filter=Q(inspectiontask__status=TaskStatus.DONE)),
            nonconformities=Count("id", filter=Q(inspectiontask__outcome=Outcome.NON_CONFORMING)),
        )
        .order_by()
    )
    figures = {}
    for row in rows:
        done = row["inspections"]
        figures[row["controlrule_id"]] = {
            "hits": row["hits"],
            "inspections": done,
            "nonconformities": row["nonconformities"],
            "hit_rate": row["nonconformities"] / done if done else None,
        }
    return figures


def lineage_effectiveness(rule: ControlRule) -> dict:
    """The figures of every version of a rule, summed."""
    versions = ControlRule.objects.filter(lineage_id=rule.lineage_id)
    total = {"hits": 0, "inspections": 0, "nonconformities": 0}
    for figures in effectiveness(versions).values():
        for key in total:
            total[key] += figures[key]
    total["hit_rate"] = total["nonconformities"] / total["inspections"] if total["inspections"] else None
    return total
