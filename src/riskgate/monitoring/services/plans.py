"""Monitoring plans (R-MON-1): drawing one up with its quotas, adjusting it during the period (a new version with
its reason), proposals from confirmed assessments (R-ASM-6), and sampling tasks drawn from the quotas and given to
accepted laboratories (R-MON-3). Every write is authorised in the plan's jurisdiction and audited."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.assessment import acceptance
from riskgate.assessment import queries as assessment_queries
from riskgate.assessment.models import Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.countries import is_valid_code
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person
from riskgate.core.vocabulary import HazardType

from ..models import MonitoringPlan, PlanProposal, PlanQuota, ProposalStatus, SamplingTask
from ..queries import programme as queries

PLAN_FIELDS = [
    "title",
    "title_en",
    "period_start",
    "period_end",
    "scope",
    "countries",
    "hs_codes",
    "product_categories",
    "hazard_types",
    "organisation",
]
HS_CODE = re.compile(r"\d{2}(\d{2}){0,4}")


def _codes(data: dict) -> dict:
    """The lists of a plan, normalised and checked: country codes, HS codes of 2–10 digits, known hazard types."""
    errors = {}
    countries = sorted({str(c).strip().upper() for c in data.get("countries") or [] if str(c).strip()})
    if bad := [c for c in countries if not is_valid_code(c)]:
        errors["countries"] = [_("不是有效的国家/地区代码：%s") % "、".join(bad)]
    hs_codes = sorted({str(c).replace(".", "").strip() for c in data.get("hs_codes") or [] if str(c).strip()})
    if bad := [c for c in hs_codes if not HS_CODE.fullmatch(c)]:
        errors["hs_codes"] = [_("HS 编码应为 2、4、6、8 或 10 位数字：%s") % "、".join(bad)]
    hazards = sorted({str(h) for h in data.get("hazard_types") or []})
    if bad := [h for h in hazards if h not in HazardType.values]:
        errors["hazard_types"] = [_("未知的危害类型：%s") % "、".join(bad)]
    if errors:
        raise ValidationError(errors)
    categories = sorted({str(c).strip() for c in data.get("product_categories") or [] if str(c).strip()})
    return {"countries": countries, "hs_codes": hs_codes, "hazard_types": hazards, "product_categories": categories}


def _quotas(principal: Principal, quotas: list[tuple[Organisation, int]]) -> list[tuple[Organisation, int]]:
    allowed = set(queries.sampling_units(principal).values_list("pk", flat=True))
    seen = set()
    for unit, samples in quotas:
        if unit.pk not in allowed:
            raise field_error("quotas", _("承担单位必须是您辖区内的海关、口岸或监测点：%s") % unit)
        if unit.pk in seen:
            raise field_error("quotas", _("同一单位只能有一项配额：%s") % unit)
        if samples < 1:
            raise field_error("quotas", _("配额应为正整数：%s") % unit)
        seen.add(unit.pk)
    if not quotas:
        raise field_error("quotas", _("请至少为一个承担单位分配抽样配额。"))
    return quotas


def _save(principal: Principal, plan: MonitoringPlan, data: dict, quotas: list[tuple[Organisation, int]]):
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    for name, value in _codes(data).items():
        setattr(plan, name, value)
    if not queries.lead_units(principal).filter(pk=plan.organisation_id).exists():
        raise field_error("organisation", _("牵头单位必须在您的辖区之内。"))
    plan.full_clean(exclude=["lineage", "created_by"])
    plan.save()
    PlanQuota.objects.bulk_create([PlanQuota(plan=plan, unit=unit, samples=n) for unit, n in quotas])


def _snapshot(plan: MonitoringPlan) -> dict:
    values = audit.snapshot(plan, [f for f in PLAN_FIELDS if f != "organisation"])
    values["organisation"] = plan.organisation_id
    values["quotas"] = {q.unit.code: q.samples for q in plan.quotas.select_related("unit").order_by("unit__code")}
    return values


def create_plan(principal: Principal, *, data: dict, quotas: list[tuple[Organisation, int]]) -> MonitoringPlan:
    require(principal, Permission.MONITORING_PLAN_MANAGE)
    user = require_person(principal)
    quotas = _quotas(principal, quotas)
    with transaction.atomic():
        plan = MonitoringPlan(created_by=user)
        _save(principal, plan, data, quotas)
        plan.start_lineage()
        audit.record(
            actor=principal, action="monitoring.plan_created", obj=plan, changes=audit.diff({}, _snapshot(plan))
        )
    return plan


def _current(principal: Principal, plan: MonitoringPlan) -> MonitoringPlan:
    require(principal, Permission.MONITORING_PLAN_MANAGE)
    locked = queries.managed_plans(principal).select_for_update().filter(lineage_id=plan.lineage_id).first()
    if locked is None:
        raise PermissionDenied
    return locked


def adjust_plan(
    principal: Principal, plan: MonitoringPlan, *, reason: str, data: dict, quotas: list[tuple[Organisation, int]]
) -> MonitoringPlan:
    """A new version of the plan with `data` and `quotas`; the reason is required, the earlier version stays."""
    user = require_person(principal)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写调整理由。"))
    quotas = _quotas(principal, quotas)
    with transaction.atomic():
        current = _current(principal, plan)
        before = _snapshot(current)
        new = current.supersede(created_by=user, change_reason=reason)
        for name in PLAN_FIELDS:
            setattr(new, name, getattr(current, name))
        _save(principal, new, data, quotas)
        current.is_current = False
        current.save(update_fields=["is_current", "updated_at"])
        audit.record(
            actor=principal,
            action="monitoring.plan_adjusted",
            obj=new,
            reason=reason,
            changes=audit.diff(before, _snapshot(new)),
        )
    return new


def propose_change(
    principal: Principal,
    assessment: Assessment,
    *,
    plan: MonitoringPlan,
    reason: str,
    hs_codes=(),
    countries=(),
    hazard_types=(),
) -> PlanProposal:
    """Propose, from a confirmed assessment, to watch more under a plan (R-ASM-6). The proposer reads both."""
    require(principal, Permission.MONITORING_PLAN_VIEW)
    require(principal, Permission.ASSESSMENT_VIEW)
    user = require_person(principal)
    if not Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists():
        raise PermissionDenied
    if assessment.status != AssessmentStatus.CONFIRMED:
        raise field_error("assessment", _("只有已确认的研判结果才能提出监测计划调整建议。"))
    if not queries.current_plans(principal).filter(pk=plan.pk).exists():
        raise field_error("plan", _("请选择现行的监测计划。"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写建议理由。"))
    codes = _codes({"hs_codes": hs_codes, "countries": countries, "hazard_types": hazard_types})
    if not (codes["hs_codes"] or codes["countries"] or codes["hazard_types"]):
        raise field_error("hs_codes", _("请至少提出一项增列的商品、国家/地区或危害类型。"))
    with transaction.atomic():
        proposal = PlanProposal.objects.create(
            plan=plan,
            assessment=assessment,
            reason=reason,
            proposed_by=user,
            hs_codes=codes["hs_codes"],
            countries=codes["countries"],
            hazard_types=codes["hazard_types"],
        )
        audit.record(
            actor=principal,
            action="monitoring.plan_change_proposed",
            obj=plan,
            reason=reason,
            changes={"proposal": [None, proposal.pk], "assessment": [None, assessment.reference], **codes},
        )
    return proposal


def decide_proposal(principal: Principal, proposal: PlanProposal, *, accept: bool, note: str = "") -> PlanProposal:
    """Accept (the plan gets a new version watching what was proposed) or reject with a note."""
    user = require_person(principal)
    note = (note or "").strip()
    if not accept and not note:
        raise field_error("note", _("不采纳时请说明理由。"))
    with transaction.atomic():
        proposal = PlanProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PROPOSED:
            raise ValidationError(_("该建议已决定。"))
        current = _current(principal, proposal.plan)
        if accept:
            data = {
                "hs_codes": [*current.hs_codes, *proposal.hs_codes],
                "countries": [*current.countries, *proposal.countries],
                "hazard_types": [*current.hazard_types, *proposal.hazard_types],
                "product_categories": current.product_categories,
            }
            quotas = [(q.unit, q.samples) for q in current.quotas.select_related("unit")]
            reason = _("采纳研判 %(ref)s 的建议：%(reason)s") % {
                "ref": proposal.assessment.reference,
                "reason": proposal.reason,
            }
            proposal.result_plan = adjust_plan(principal, current, reason=reason, data=data, quotas=quotas)
        proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
        proposal.decided_by, proposal.decided_at, proposal.decision_note = user, timezone.now(), note
        proposal.save()
        audit.record(
            actor=principal,
            action="monitoring.plan_change_decided",
            obj=current,
            reason=note,
            changes={"proposal": proposal.pk, "status": [ProposalStatus.PROPOSED, proposal.status]},
        )
    return proposal


def assign_task(principal: Principal, plan: MonitoringPlan, **fields) -> SamplingTask:
    """A sampling task drawn from the quota of one of the plan's units, for an accepted laboratory; the tasks of a
    unit never add up to more than its quota, and the deadline falls in the plan's period."""
    user = require_person(principal)
    with transaction.atomic():
        current = _current(principal, plan)
        unit, laboratory = fields["organisation"], fields["laboratory"]
        quota = current.quotas.filter(unit=unit).first()
        if quota is None:
            raise field_error("organisation", _("该单位在本计划中没有抽样配额。"))
        if not queries.accepted_laboratories().filter(pk=laboratory.pk).exists():
            raise field_error("laboratory", _("只能委托已认可且在有效期内的实验室：%s") % laboratory)
        refused = assessment_queries.acceptance_refusal(
            laboratory, fields.get("hs_code", ""), acceptance.items_of(fields.get("test_items", ""))
        )
        if refused:
            raise field_error("laboratory", refused)
        taken = (
            SamplingTask.objects.filter(plan__lineage_id=current.lineage_id, organisation=unit).aggregate(
                n=Sum("samples")
            )["n"]
            or 0
        )
        if fields["samples"] < 1 or taken + fields["samples"] > quota.samples:
            raise field_error(
                "samples",
                _("超出配额：%(unit)s 的配额为 %(quota)s 批，已下达 %(taken)s 批。")
                % {"unit": unit, "quota": quota.samples, "taken": taken},
            )
        if not current.period_start <= fields["due_on"] <= current.period_end:
            raise field_error("due_on", _("完成期限应在监测期之内。"))
        task = SamplingTask(plan=current, created_by=user, **fields)
        task.full_clean()
        task.save()
        audit.record(
            actor=principal,
            action="monitoring.task_assigned",
            obj=task,
            organisation_id=unit.pk,
            changes=audit.diff({}, {**audit.snapshot(task, ["product", "hs_code", "samples", "test_items"]),
                                    "unit": unit.code, "laboratory": laboratory.code, "due_on": str(task.due_on)}),
        )  # fmt: skip
    return task
