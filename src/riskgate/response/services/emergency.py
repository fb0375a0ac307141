"""Writes of port emergency response (R-RR-6, decision 0030): plans with their joint-response steps, drills and
their evaluation, the emergency materials inventory, and the activation of a plan on an urgent warning — its
tasks given to their units with deadlines, reported on until the response is closed. Authorised and audited."""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person
from riskgate.core.text import validate_text

from ..models import (
    Activation,
    ActivationStatus,
    ActivationTask,
    CommodityClass,
    Drill,
    DrillRating,
    EmergencyMaterial,
    EmergencyPlan,
    PlanStep,
)
from ..queries import emergency as queries

MAX_STEPS = 50
PORT_KINDS = (OrganisationKind.PORT, OrganisationKind.INSPECTION_BODY, OrganisationKind.DIRECT_BUREAU)


def _text(data: dict, name: str, *, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise field_error(name, _("请填写此项。"))
    validate_text(value)
    return value


def _in_scope(principal: Principal, organisation: Organisation, field: str) -> Organisation:
    if (
        not isinstance(organisation, Organisation)
        or not Organisation.objects.visible_to(principal).filter(pk=organisation.pk).exists()
    ):
        raise field_error(field, _("该单位不在您的辖区内。"))
    return organisation


def parse_steps(principal: Principal, text: str) -> list[tuple[str, Organisation, int]]:
    """The joint-response steps, one per line: hours | unit code | task."""
    steps = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in re.split(r"[|｜]", line, maxsplit=2)]
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2]:
            raise field_error("steps", _("第 %d 行应为：小时数 | 单位代码 | 任务") % number)
        unit = Organisation.objects.filter(code=parts[1], is_active=True).first()
        if unit is None:
            raise field_error("steps", _("第 %(n)d 行：未知的单位代码 %(code)s") % {"n": number, "code": parts[1][:64]})
        _in_scope(principal, unit, "steps")
        steps.append((parts[2][:300], unit, min(int(parts[0]), 24 * 365)))
    if not steps:
        raise field_error("steps", _("请至少列出一项联合处置任务。"))
    if len(steps) > MAX_STEPS:
        raise field_error("steps", _("至多 %d 项任务。") % MAX_STEPS)
    return steps


@transaction.atomic
def create_plan(principal: Principal, data: dict) -> EmergencyPlan:
    require(principal, Permission.RESPONSE_MEASURE_ORDER)
    user = require_person(principal)
    port = _in_scope(principal, data.get("organisation"), "organisation")
    if port.kind not in PORT_KINDS:
        raise field_error("organisation", _("应急预案由口岸或海关制定。"))
    if data.get("commodity_class") not in CommodityClass.values:
        raise field_error("commodity_class", _("请选择商品类别。"))
    steps = parse_steps(principal, data.get("steps", ""))
    plan = EmergencyPlan.objects.create(
        organisation=port,
        commodity_class=data["commodity_class"],
        title=_text(data, "title")[:300],
        scope=_text(data, "scope"),
        procedures=_text(data, "procedures"),
        contacts=_text(data, "contacts", required=False),
        created_by=user,
    )
    PlanStep.objects.bulk_create([PlanStep(plan=plan, title=t, unit=u, hours=h) for t, u, h in steps])
    audit.record(actor=principal, action="emergency_plan.created", obj=plan, changes=audit.facts(steps=len(steps)))
    return plan


@transaction.atomic
def record_drill(principal: Principal, plan: EmergencyPlan, data: dict) -> Drill:
    require(principal, Permission.RESPONSE_MEASURE_ORDER)
    user = require_person(principal)
    if not EmergencyPlan.objects.visible_to(principal).filter(pk=plan.pk).exists():
        raise PermissionDenied
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date) or held_on > timezone.localdate():
        raise field_error("held_on", _("请填写已举行的演练日期。"))
    if data.get("rating") not in DrillRating.values:
        raise field_error("rating", _("请选择评估结论。"))
    drill = Drill.objects.create(
        plan=plan,
        held_on=held_on,
        scenario=_text(data, "scenario"),
        participants=_text(data, "participants"),
        rating=data["rating"],
        evaluation=_text(data, "evaluation"),
        improvements=_text(data, "improvements", required=False),
        recorded_by=user,
    )
    audit.record(
        actor=principal, action="emergency_plan.drill_recorded", obj=plan, changes=audit.facts(rating=drill.rating)
    )
    return drill


@transaction.atomic
def set_material(principal: Principal, data: dict) -> EmergencyMaterial:
    """Record or update one line of the inventory (by port, name and location)."""
    require(principal, Permission.RESPONSE_MEASURE_EXECUTE)
    require_person(principal)
    port = _in_scope(principal, data.get("organisation"), "organisation")
    quantity = data.get("quantity")
    if not isinstance(quantity, int) or quantity < 0:
        raise field_error("quantity", _("数量应为非负整数。"))
    checked_on = data.get("checked_on")
    if not isinstance(checked_on, dt.date) or checked_on > timezone.localdate():
        raise field_error("checked_on", _("请填写已完成的盘点日期。"))
    material, created = EmergencyMaterial.objects.update_or_create(
        organisation=port,
        name=_text(data, "name")[:200],
        location=_text(data, "location")[:200],
        defaults={
            "quantity": quantity,
            "unit": _text(data, "unit")[:20],
            "checked_on": checked_on,
            "expires_on": data.get("expires_on"),
        },
    )
    audit.record(
        actor=principal,
        action="emergency_material.created" if created else "emergency_material.changed",
        obj=material,
        changes=audit.facts(quantity=quantity),
    )
    return material


@transaction.atomic
def activate(principal: Principal, plan: EmergencyPlan, *, warning, reason: str) -> Activation:
    """Activate a plan on an urgent warning: each step becomes a task of its unit, due its hours from now."""
    require(principal, Permission.RESPONSE_MEASURE_ORDER)
    user = require_person(principal)
    if not EmergencyPlan.objects.visible_to(principal).filter(pk=plan.pk).exists():
        raise PermissionDenied
    if not plan.active:
        raise field_error("plan", _("该预案已停用。"))
    if warning is None or not queries.urgent_warnings().filter(pk=warning.pk).exists():
        raise field_error("warning", _("只能依据生效中的 I 级、II 级或紧急先行发布的预警启动应急预案。"))
    reason = _text({"reason": reason}, "reason")
    if Activation.objects.filter(
        plan=plan, warning__lineage_id=warning.lineage_id, status=ActivationStatus.ACTIVE
    ).exists():
        raise ValidationError(_("该预案已依据此预警启动，应急响应尚未结束。"))
    now = timezone.now()
    activation = Activation.objects.create(
        plan=plan, organisation=plan.organisation, warning=warning, reason=reason, activated_by=user
    )
    tasks = ActivationTask.objects.bulk_create(
        [
            ActivationTask(activation=activation, title=s.title, unit=s.unit, due_at=now + dt.timedelta(hours=s.hours))
            for s in plan.steps.all()
        ]
    )
    audit.record(
        actor=principal,
        action="emergency.activated",
        obj=activation,
        changes=audit.facts(plan=plan.pk, warning=warning.pk, tasks=len(tasks)),
        reason=reason,
    )
    for unit_id in sorted({t.unit_id for t in tasks}):
        enqueue_on_commit("riskgate.response.tasks.notify_activation", activation.pk, unit_id)
    return activation


@transaction.atomic
def report_task(principal: Principal, task: ActivationTask, *, note: str, done: bool) -> ActivationTask:
    """The unit's progress on its task (or the port authority's on any task); done once, with the time."""
    require(principal, Permission.RESPONSE_MEASURE_EXECUTE)
    user = require_person(principal)
    task = ActivationTask.objects.select_for_update().select_related("activation").get(pk=task.pk)
    activation = task.activation
    if user.organisation_id != task.unit_id and not queries.decides(principal, activation):
        raise PermissionDenied
    if activation.status != ActivationStatus.ACTIVE:
        raise ValidationError(_("应急响应已结束。"))
    note = _text({"note": note}, "note")
    task.note = f"{task.note}\n{timezone.localtime():%Y-%m-%d %H:%M} {note}".strip()[:20000]
    task.reported_by = user
    if done and task.done_at is None:
        task.done_at = timezone.now()
    task.save(update_fields=["note", "reported_by", "done_at"])
    audit.record(
        actor=principal,
        action="emergency.task_reported",
        obj=activation,
        changes=audit.facts(task=task.pk, done=bool(task.done_at)),
    )
    return task


@transaction.atomic
def close(principal: Principal, activation: Activation, *, summary: str) -> Activation:
    require(principal, Permission.RESPONSE_MEASURE_ORDER)
    require_person(principal)
    if not queries.decides(principal, activation):
        raise PermissionDenied
    activation = Activation.objects.select_for_update().get(pk=activation.pk)
    if activation.status != ActivationStatus.ACTIVE:
        raise ValidationError(_("应急响应已结束。"))
    activation.summary = _text({"summary": summary}, "summary")
    activation.status, activation.closed_at = ActivationStatus.CLOSED, timezone.now()
    activation.save(update_fields=["summary", "status", "closed_at"])
    audit.record(actor=principal, action="emergency.closed", obj=activation, reason=activation.summary)
    return activation
