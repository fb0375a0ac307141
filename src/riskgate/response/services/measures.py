"""Every write of rapid-response measures: order (with the control rules of measures that act at the border),
report progress and quantities (the executing units), lift (by the authority after confirming the risk is
eliminated or reduced, or automatically at the end of a set period) — authorised, scoped and audited."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core.access import field_error, require
from riskgate.core.evidence import prepare_upload
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, recorded
from riskgate.core.text import local
from riskgate.credit import services as credit
from riskgate.targeting import services as targeting
from riskgate.targeting.services import criteria_from_warning, retire_rules
from riskgate.warnings.models import WarningKind
from riskgate.warnings.queries import basis_for

from ..models import (
    EXECUTING_KINDS,
    LiftMode,
    LimitKind,
    MeasureDelivery,
    MeasureKind,
    MeasureOrder,
    ProgressNote,
    Quantity,
    QuantityKind,
    Status,
    TargetKind,
    response_window,
)
from ..queries.common import decides
from ..queries.measures import executes
from . import recalls
from .common import implementation_check, record


def _record(
    principal: Principal, order: MeasureOrder, action: str, changes: dict | None = None, reason: str = ""
) -> None:
    record(principal, order, f"measure.{action}", changes, reason)


def _units(principal: Principal, lead: Organisation, cooperating: list[Organisation]) -> None:
    if lead is None:
        raise field_error("lead_unit", _("请选择牵头单位。"))
    for field, unit in [("lead_unit", lead), *(("cooperating_units", u) for u in cooperating)]:
        if unit.kind not in EXECUTING_KINDS:
            raise field_error(field, _("%s 不能承担快速反应措施。") % unit.name)
        within = Organisation.objects.visible_to(principal).filter(pk=unit.pk).exists()
        if not within and unit.kind != OrganisationKind.PARTNER_AGENCY:  # partner agencies cooperate from outside
            raise field_error(field, _("%s 不在您的辖区内。") % unit.name)
    if lead in cooperating:
        raise field_error("cooperating_units", _("牵头单位不必再列为配合单位。"))


def _rule_criteria(kind: MeasureKind, *, warning, hs_codes, enterprise, period_ends_at) -> dict:

    criteria = criteria_from_warning(warning) if warning is not None else {"direction": "import"}
    if hs_codes:
        criteria["hs_prefixes"] = list(hs_codes)
    if enterprise is not None:
        identifier = enterprise.customs_code or enterprise.uscc
        criteria["enterprise_ids"] = [identifier]
    if not criteria.get("hs_prefixes") and not criteria.get("enterprise_ids"):
        raise field_error("hs_codes", _("“%s”要在口岸布控，请填写 HS 编码或选择涉事企业。") % kind.name)
    criteria["action"] = kind.rule_action or "inspect"
    if period_ends_at is not None:
        criteria["valid_to"] = period_ends_at
    return criteria


@transaction.atomic
def order_measure(
    principal: Principal,
    *,
    kind: MeasureKind,
    target_kind: str,
    target: str,
    instructions: str,
    lead_unit: Organisation,
    deadline: dt.datetime,
    cooperating_units=(),
    warning=None,
    assessment=None,
    target_enterprise: Organisation | None = None,
    hs_codes=(),
    period_ends_at: dt.datetime | None = None,
    investigation: tuple[dt.date | None, dt.date | None] = (None, None),
    now: dt.datetime | None = None,
) -> MeasureOrder:
    require(principal, Permission.RESPONSE_MEASURE_ORDER)
    now = now or timezone.now()
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        raise field_error("organisation", _("只有机构人员才能下达快速反应措施。"))
    if not kind.active:
        raise field_error("kind", _("该措施种类已停用。"))
    if target_kind not in TargetKind.values:
        raise field_error("target_kind", _("未知的对象类型。"))
    target, instructions = (target or "").strip(), (instructions or "").strip()
    if not target:
        raise field_error("target", _("请说明措施针对的产品、批次、货物或企业。"))
    if not instructions:
        raise field_error("instructions", _("请写明措施要求。"))
    if warning is not None:
        if not basis_for(principal).filter(pk=warning.pk).exists():
            raise field_error("warning", _("该预警不在您的辖区内，也未发送给您的单位。"))
        if not warning.is_live:
            raise field_error("warning", _("只能依据发布中的预警下达措施。"))
    if assessment is not None:
        if not assessment.__class__.objects.visible_to(principal).filter(pk=assessment.pk).exists():
            raise field_error("assessment", _("该研判不在您的辖区内。"))
        if assessment.status != AssessmentStatus.CONFIRMED:
            raise field_error("assessment", _("只能依据已确认的研判下达措施。"))
    if warning is None and assessment is None:
        raise field_error("warning", _("快速反应措施须依据预警或已确认的研判（应急情况下先发布预警）。"))
    if target_enterprise is not None and target_enterprise.kind != OrganisationKind.ENTERPRISE:
        raise field_error("target_enterprise", _("涉事企业必须是登记的企业。"))
    if target_enterprise is not None and not (
        Organisation.objects.visible_to(principal).filter(pk=target_enterprise.pk).exists()
    ):
        raise field_error("target_enterprise", _("该企业不在您的辖区内。"))
    if target_kind == TargetKind.ENTERPRISE and target_enterprise is None:
        raise field_error("target_enterprise", _("针对企业的措施须选择涉事企业。"))
    bad = [code for code in hs_codes if not (isinstance(code, str) and code.isdigit() and 2 <= len(code) <= 10)]
    if bad:
        raise field_error("hs_codes", _("HS 编码应为 2–10 位数字：%s") % ", ".join(map(str, bad)))
    cooperating = list(cooperating_units)
    _units(principal, lead_unit, cooperating)
    if deadline <= now:
        raise field_error("deadline", _("完成时限须晚于现在。"))
    if period_ends_at is not None and period_ends_at <= now:
        raise field_error("period_ends_at", _("实施期须晚于现在。"))
    investigation_from, investigation_to = investigation
    if kind.code in INVESTIGATIONS:
        if investigation_from is None or investigation_to is None:
            raise field_error("investigation_from", _("调查须写明调查期间（自、至）。"))
        if not investigation_from <= investigation_to <= timezone.localdate(now):
            raise field_error("investigation_to", _("调查期间应在今天或以前，且结束不早于开始。"))
        if not hs_codes and target_enterprise is None and not (warning and warning.origin_countries):
            raise field_error("hs_codes", _("调查须限定范围：HS 编码、涉事企业或预警的原产国。"))
    else:
        investigation_from = investigation_to = None
    order = MeasureOrder.objects.create(
        kind=kind,
        warning=warning,
        assessment=assessment,
        target_kind=target_kind,
        target=target[:500],
        target_enterprise=target_enterprise,
        hs_codes=list(hs_codes),
        instructions=instructions,
        organisation=organisation,
        lead_unit=lead_unit,
        deadline=deadline,
        period_ends_at=period_ends_at,
        investigation_from=investigation_from,
        investigation_to=investigation_to,
        ordered_by=recorded(principal),
    )
    order.cooperating_units.set(cooperating)
    title = _("快速反应措施 %(ref)s：%(kind)s") % {"ref": order.reference, "kind": kind.name}
    if kind.creates_control_rules:
        criteria = _rule_criteria(
            kind, warning=warning, hs_codes=hs_codes, enterprise=target_enterprise, period_ends_at=period_ends_at
        )
        notice = warning if warning is not None and WarningKind.AGENCY_NOTICE in warning.kinds else None
        rule = targeting.issue(principal, criteria, warning=notice, executing=[lead_unit, *cooperating], reason=title)
        order.control_rules.add(rule)
    effect = EFFECTS.get(kind.code)
    if effect is not None:
        effect(principal, order, now)
    _record(
        principal,
        order,
        "ordered",
        {
            "kind": kind.code,
            "lead_unit": lead_unit.pk,
            "deadline": deadline,
            "period_ends_at": period_ends_at,
            "target": target[:200],
        },
    )
    for unit in [lead_unit, *cooperating]:
        enqueue_on_commit("riskgate.response.tasks.notify", order.pk, unit.pk)
    return order


def _downgrade_credit(principal: Principal, order: MeasureOrder, now: dt.datetime) -> None:
    """A credit downgrade writes a credit event and lowers the enterprise's grade through the credit service; the
    screening engines read the new grade (and so its inspection factor) when credit's version moves."""
    if order.target_enterprise is None:
        raise field_error("target_enterprise", _("信用降级须选择涉事企业。"))
    reason = _("快速反应措施 %(ref)s：%(text)s") % {"ref": order.reference, "text": order.instructions[:200]}
    after = credit.downgrade(
        principal, order.target_enterprise, source=f"measure:{order.reference}", reason=reason, occurred_at=now
    )
    _record(principal, order, "credit_downgraded", {"enterprise": order.target_enterprise_id, "grade": after})


def _open_recall(principal: Principal, order: MeasureOrder, now: dt.datetime) -> None:
    """An ordered recall opens its recall case, bound to the order and awaiting the recall plan."""
    recall = recalls.open_for_order(principal, order)
    _record(principal, order, "recall_opened", {"recall": recall.reference})


def _deliver(principal: Principal, order: MeasureOrder, now: dt.datetime) -> None:
    """ "Notify departments": the order is delivered to each named agency (the lead and cooperating units), each
    told (notify_unit, on commit) and keeping a read receipt."""
    units = [order.lead_unit, *order.cooperating_units.all()]
    for unit in units:
        MeasureDelivery.objects.get_or_create(order=order, organisation=unit, defaults={"delivered_at": now})
    _record(principal, order, "delivered", {"to": [unit.pk for unit in units]})


def _investigate(principal: Principal, order: MeasureOrder, now: dt.datetime) -> None:
    """An investigation of the same products, industry or region: its scope (HS codes, the enterprise, the
    warning's origins) is retro-screened over the declaration history of its period, which opens follow-up tasks
    at the ports; the lead unit investigates under the order itself."""
    scope: dict = {"hs_prefixes": list(order.hs_codes)}
    enterprise = order.target_enterprise
    if enterprise is not None and (enterprise.customs_code or enterprise.uscc):
        scope["enterprise_ids"] = [enterprise.customs_code or enterprise.uscc]
    if order.warning is not None and order.warning.origin_countries:
        scope["origin_countries"] = list(order.warning.origin_countries)
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(order.investigation_from, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(order.investigation_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    reason = _("快速反应措施 %(ref)s：%(kind)s") % {"ref": order.reference, "kind": order.kind.name}
    rule = targeting.investigate(principal, scope, since=since, until=until, executing=[order.lead_unit], reason=reason)
    order.control_rules.add(rule)
    _record(principal, order, "investigation_opened", {"rule": rule.reference, "since": since, "until": until})


INVESTIGATIONS = {"investigate-same-products"}
# What ordering a measure of a kind does besides the order itself (Art.22), by the catalogue's code.
EFFECTS = {
    "credit-downgrade": _downgrade_credit,
    "ordered-recall": _open_recall,
    "notify-departments": _deliver,
    "investigate-same-products": _investigate,
}


@transaction.atomic
def mark_read(principal: Principal, order: MeasureOrder) -> MeasureDelivery | None:
    """A member of a receiving agency opened the delivered measure: its read receipt, once (the first reader)."""
    require(principal, Permission.RESPONSE_MEASURE_VIEW)
    organisation_id = getattr(principal, "organisation_id", None)
    delivery = MeasureDelivery.objects.filter(order=order, organisation_id=organisation_id).first()
    if delivery is None:
        return None
    if MeasureDelivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=recorded(principal)
    ):
        _record(principal, order, "read", {"organisation": organisation_id})
    delivery.refresh_from_db()
    return delivery


def notify_unit(order_id: int, organisation_id: int) -> bool:
    """Tell an executing unit of a measure ordered to it (once: a second call does nothing)."""

    order = MeasureOrder.objects.select_related("kind").filter(pk=order_id).first()
    unit = Organisation.objects.filter(pk=organisation_id).first()
    if order is None or unit is None:
        return False
    title = in_both(lambda: _("快速反应措施 %(ref)s：%(kind)s") % {"ref": order.reference, "kind": local(order.kind)})
    return notify_organisation(
        organisation=unit,
        permission=Permission.RESPONSE_MEASURE_EXECUTE,  # the unit executes it, so its executors may open it
        kind="measure.ordered",
        title=title,
        link=order.get_absolute_url(),
        object_key=f"measure:{order.pk}:{unit.pk}",
    )


def _executing(principal: Principal, order: MeasureOrder) -> MeasureOrder:
    require(principal, Permission.RESPONSE_MEASURE_EXECUTE)
    order = MeasureOrder.objects.select_for_update().filter(pk=order.pk).first()
    if order is None or not executes(principal, order):
        raise PermissionDenied(_("只有牵头单位和配合单位才能报告措施的实施情况。"))
    if order.status == Status.LIFTED:
        raise field_error("status", _("该措施已解除。"))
    return order


@transaction.atomic
def report_progress(
    principal: Principal, order: MeasureOrder, *, text: str, evidence=None, implemented: bool = False
) -> ProgressNote:
    """A progress report of an executing unit; with `implemented`, the lead unit reports the measure carried out
    in full (落实完毕), which ends the watch on its deadline (its lifting is the authority's decision)."""
    order = _executing(principal, order)
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("请填写进展情况。"))
    if implemented:
        if principal.organisation_id != order.lead_unit_id:
            raise field_error("implemented", _("只有牵头单位才能报告措施落实完毕。"))
        if order.implemented_at is not None:
            raise field_error("implemented", _("该措施已报告落实完毕。"))
        if order.kind.evidence_required and evidence is None:
            raise field_error(
                "evidence",
                _("“%(kind)s”须附证据文件（%(what)s）才能报告落实完毕。")
                % {"kind": order.kind.name, "what": order.kind.closing_evidence or _("证据")},
            )
    note = ProgressNote(order=order, organisation=principal.organisation, text=text, created_by=recorded(principal))
    if evidence is not None:
        note.evidence_sha256, note.evidence_name = prepare_upload(evidence, "evidence")
        note.evidence = evidence
    note.save()
    if order.status == Status.ORDERED:
        order.status = Status.IN_PROGRESS
    if implemented:
        order.implemented_at = timezone.now()
    order.save(update_fields=["status", "implemented_at"])
    _record(
        principal,
        order,
        "implemented" if implemented else "progress",
        {"note": note.pk, "evidence": note.evidence_sha256},
    )
    if implemented:
        _tell(
            order,
            order.organisation,
            Permission.RESPONSE_MEASURE_LIFT,
            "measure.implemented",
            in_both(
                lambda: _("快速反应措施 %(ref)s：牵头单位报告已落实完毕，请确认后决定解除") % {"ref": order.reference}
            ),
        )
    return note


@transaction.atomic
def record_quantity(
    principal: Principal, order: MeasureOrder, *, kind: str, amount, unit: str, note: str = ""
) -> Quantity:
    order = _executing(principal, order)
    if kind not in QuantityKind.values:
        raise field_error("kind", _("未知的数量类别。"))
    if order.kind.quantity_kinds and kind not in order.kind.quantity_kinds:
        raise field_error("kind", _("“%s”不登记这类数量。") % order.kind.name)
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise field_error("amount", _("请填写数量。")) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e11"):
        raise field_error("amount", _("数量应大于 0。"))
    unit = (unit or "").strip()
    if not unit:
        raise field_error("unit", _("请填写单位（件、千克、台、批……）。"))
    quantity = Quantity.objects.create(
        order=order,
        kind=kind,
        amount=amount,
        unit=unit[:20],
        note=(note or "")[:300],
        organisation=principal.organisation,
        created_by=recorded(principal),
    )
    if order.status == Status.ORDERED:
        order.status = Status.IN_PROGRESS
        order.save(update_fields=["status"])
    _record(principal, order, "quantity", {"kind": kind, "amount": str(amount), "unit": unit})
    return quantity


def _lift(principal: Principal, order: MeasureOrder, mode: str, reason: str, evaluation: str, now: dt.datetime) -> None:

    order.status, order.lift_mode, order.lifted_at = Status.LIFTED, mode, now
    order.lifted_by = person(principal)
    order.lift_reason, order.lift_evaluation = reason, evaluation
    order.save()
    retired = retire_rules(principal, order.control_rules.all(), _("措施 %s 已解除") % order.reference, now)
    _record(principal, order, "lifted", {"mode": mode, "rules_retired": retired}, reason)


def end_with_warning(principal: Principal | None, order: MeasureOrder, reason: str, now: dt.datetime) -> None:
    """The warning a measure rests on is lifted (lifting.lift_warning, in its transaction): the measure ends with
    it, its control rules retired. Whoever lifted the warning is recorded; a measure already lifted is left."""
    if order.status != Status.LIFTED:
        _lift(principal, order, LiftMode.WARNING, reason, "", now)


@transaction.atomic
def lift(
    principal, order: MeasureOrder, *, reason: str, evaluation: str, now: dt.datetime | None = None
) -> MeasureOrder:
    """Art.24(2): the authority lifts a measure after confirming that the risk is eliminated or reduced."""
    require(principal, Permission.RESPONSE_MEASURE_LIFT)
    order = MeasureOrder.objects.visible_to(principal).select_for_update().filter(pk=order.pk).first()
    if order is None:
        raise PermissionDenied(_("只有决定机构及其上级才能解除措施。"))
    if order.status == Status.LIFTED:
        raise field_error("status", _("该措施已解除。"))
    reason, evaluation = (reason or "").strip(), (evaluation or "").strip()
    if not reason:
        raise field_error("reason", _("请说明解除的理由。"))
    if not evaluation:
        raise field_error("evaluation", _("请写明风险已消除或降低的确认意见（如技术机构的评价结论）。"))
    if order.kind.evidence_required and order.implemented_at is None:
        raise field_error(
            "evaluation",
            _("“%(kind)s”须由牵头单位附证据（%(what)s）报告落实完毕后才能解除。")
            % {"kind": order.kind.name, "what": order.kind.closing_evidence},
        )
    _lift(principal, order, LiftMode.CONFIRMATION, reason, evaluation, now or timezone.now())
    return order


def lift_expired(now: dt.datetime | None = None) -> int:
    """Art.24(1): lift every measure whose set period has ended (scheduled; also `manage.py
    lift_expired_measures`). Running it again lifts nothing more."""
    now = now or timezone.now()
    lifted = 0
    due = MeasureOrder.objects.exclude(status=Status.LIFTED).filter(
        period_ends_at__isnull=False, period_ends_at__lte=now
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            order = MeasureOrder.objects.select_for_update().get(pk=pk)
            if order.status != Status.LIFTED and order.period_ends_at and order.period_ends_at <= now:
                _lift(None, order, LiftMode.EXPIRY, _("实施期届满，自动解除。"), "", now)
                lifted += 1
    return lifted


def _tell(
    order: MeasureOrder, organisation: Organisation, permission: Permission, kind: str, title: list, event: str = ""
) -> bool:
    """One notification about the order to the people of `organisation` who hold `permission` (once per kind and
    `event`, e.g. a check's id)."""
    return notify_organisation(
        organisation=organisation,
        permission=permission,
        kind=kind,
        title=title,
        link=order.get_absolute_url(),
        object_key=f"{kind}:{order.pk}:{organisation.pk}:{event}",
        about=order,
    )


def watch_deadlines(now: dt.datetime | None = None) -> dict:
    """Scheduled (and `manage.py escalate_overdue_measures`), Art.22 and 26: remind the executing units of a measure
    not yet reported implemented before its deadline (the window is data: ResponseLimit), then record it overdue
    once — the units told, and the deciding authority (its people who may lift it) told once. Running it again
    changes nothing; a lifted or implemented measure is left alone."""
    now = now or timezone.now()
    counts = {"reminded": 0, "overdue": 0}
    pending = MeasureOrder.objects.exclude(status=Status.LIFTED).filter(implemented_at__isnull=True)
    pending = pending.select_related("kind", "organisation", "lead_unit").prefetch_related("cooperating_units")
    soon = now + response_window(LimitKind.MEASURE_REMINDER)
    for order in pending.filter(reminded_at__isnull=True, deadline__gt=now, deadline__lte=soon):
        with transaction.atomic():
            if not MeasureOrder.objects.filter(pk=order.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            due = timezone.localtime(order.deadline).strftime("%Y-%m-%d %H:%M")
            title = in_both(
                lambda order=order, due=due: (
                    _("快速反应措施 %(ref)s：须于 %(due)s 前落实完毕") % {"ref": order.reference, "due": due}
                )
            )
            for unit in [order.lead_unit, *order.cooperating_units.all()]:
                _tell(order, unit, Permission.RESPONSE_MEASURE_EXECUTE, "measure.reminder", title)
            counts["reminded"] += 1
    for order in pending.filter(overdue_at__isnull=True, deadline__lte=now):
        with transaction.atomic():
            if not MeasureOrder.objects.filter(pk=order.pk, overdue_at__isnull=True).update(overdue_at=now):
                continue
            _record(None, order, "overdue", {"deadline": order.deadline})
            due = timezone.localtime(order.deadline).strftime("%Y-%m-%d %H:%M")
            title = in_both(
                lambda order=order, due=due: (
                    _("快速反应措施 %(ref)s：逾期未落实（时限 %(due)s）") % {"ref": order.reference, "due": due}
                )
            )
            for unit in [order.lead_unit, *order.cooperating_units.all()]:
                _tell(order, unit, Permission.RESPONSE_MEASURE_EXECUTE, "measure.overdue", title)
            _tell(order, order.organisation, Permission.RESPONSE_MEASURE_LIFT, "measure.escalated", title)
            counts["overdue"] += 1
    return counts


@transaction.atomic
def record_check(principal: Principal, order: MeasureOrder, *, checked_on, result: str, findings: str):
    """Art.26: the deciding jurisdiction inspects how a measure is implemented; the result goes to the lead and
    cooperating units (an enterprise hears of it through its obligation, whose checks it reads)."""
    require(principal, Permission.RESPONSE_MEASURE_EXECUTE)
    locked = MeasureOrder.objects.select_for_update().filter(pk=order.pk).first()
    if locked is None or not decides(principal, locked):
        raise PermissionDenied(_("只有决定机构辖区内的单位才能检查实施情况。"))
    if locked.status == Status.LIFTED:
        raise field_error("status", _("该措施已解除。"))
    check = implementation_check(principal, order=locked, checked_on=checked_on, result=result, findings=findings)
    _record(principal, locked, "checked", {"check": check.pk, "result": result})
    title = in_both(
        lambda: (
            _("%(ref)s：实施情况检查结果——%(result)s") % {"ref": locked.reference, "result": check.get_result_display()}
        )
    )
    for unit in [locked.lead_unit, *locked.cooperating_units.all()]:
        _tell(locked, unit, Permission.RESPONSE_MEASURE_EXECUTE, "measure.checked", title, event=str(check.pk))
    return check
