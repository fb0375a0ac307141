"""Defective-product recalls (R-RCL-1): a recall case opened by the supervising authority — voluntary or ordered,
general or the environmental-protection recall of imported motor vehicles and non-road mobile machinery —,
periodic progress (units corrected so far), the effectiveness rate over time, a public recall notice on the
portal, and an enforcement record when a defect was concealed or a recall refused."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.assessment.models import Assessment
from riskgate.core.access import field_error, require
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, recorded
from riskgate.credit import services as credit

from ..models import (
    EnforcementKind,
    Recall,
    RecallEnforcement,
    RecallKind,
    RecallProgress,
    RecallStatus,
    RecallType,
    Remedy,
)
from .common import record

FIELDS = (
    "kind",
    "recall_type",
    "enterprise",
    "warning",
    "measure",
    "product",
    "brand",
    "model",
    "hs_code",
    "defect",
    "defect_en",
    "affected_units",
    "affected_range",
    "distribution",
    "distribution_en",
    "remedies",
    "communication_plan",
    "source",
    "started_on",
    "target_rate",
    "target_date",
)
REQUIRED_TEXT = ("product", "defect", "affected_range", "communication_plan")


def _record(principal: Principal, recall: Recall, action: str, changes: dict | None = None, reason: str = "") -> None:
    record(principal, recall, f"recall.{action}", changes, reason)


@transaction.atomic
def open_recall(principal: Principal, data: dict) -> Recall:
    require(principal, Permission.RESPONSE_RECALL_MANAGE)
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        raise field_error("organisation", _("只有机构人员才能登记召回。"))
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise field_error(unknown[0], _("未知的字段。"))
    data = dict(data)
    if data.get("kind") not in RecallKind.values:
        raise field_error("kind", _("请选择主动召回或责令召回。"))
    data.setdefault("recall_type", RecallType.DEFECT)
    if data["recall_type"] not in RecallType.values:
        raise field_error("recall_type", _("未知的召回类型。"))
    enterprise = data.get("enterprise")
    if not isinstance(enterprise, Organisation) or enterprise.kind != OrganisationKind.ENTERPRISE:
        raise field_error("enterprise", _("召回实施者必须是登记的企业。"))
    if not Organisation.objects.visible_to(principal).filter(pk=enterprise.pk).exists():
        raise field_error("enterprise", _("该企业不在您的辖区内。"))
    for name in REQUIRED_TEXT:
        data[name] = (data.get(name) or "").strip()
        if not data[name]:
            raise field_error(name, _("请填写此项。"))
    _check_plan(data)
    for name in ("defect_en", "distribution_en"):
        data[name] = (data.get(name) or "").strip()
    hs = (data.get("hs_code") or "").strip()
    if hs and not (hs.isdigit() and 2 <= len(hs) <= 10):
        raise field_error("hs_code", _("HS 编码应为 2–10 位数字。"))
    data["hs_code"] = hs
    if not isinstance(data.get("started_on"), dt.date):
        raise field_error("started_on", _("请填写召回开始日期。"))
    measure = data.get("measure")
    if data["kind"] == RecallKind.ORDERED and measure is not None and measure.kind.code != "ordered-recall":
        raise field_error("measure", _("责令召回应关联“责令召回”措施。"))
    data["source"] = (data.get("source") or "").strip()
    if data["source"] and Recall.objects.filter(source=data["source"]).exists():
        raise field_error("source", _("该来源编号已登记为召回。"))
    recall = Recall.objects.create(**data, organisation=organisation, created_by=recorded(principal))
    _record(
        principal,
        recall,
        "opened",
        {"kind": recall.kind, "type": recall.recall_type, "units": recall.affected_units, "enterprise": enterprise.pk},
    )
    if recall.kind == RecallKind.VOLUNTARY:  # a voluntary recall counts in the enterprise's favour (R-CRD-1)
        credit.record_event(
            enterprise=enterprise,
            kind="recall_voluntary",
            source=f"recall:{recall.reference}",
            detail=recall.product,
            occurred_at=timezone.make_aware(dt.datetime.combine(recall.started_on, dt.time(12))),
        )
    return recall


def _check_plan(data: dict) -> None:
    """The plan's numbers and remedies (text parts are checked by the caller)."""
    units = data.get("affected_units")
    if isinstance(units, bool) or not isinstance(units, int) or not 0 < units <= 100_000_000:
        raise field_error("affected_units", _("涉及数量应为正整数。"))
    remedies = list(dict.fromkeys(data.get("remedies") or []))
    if not remedies or any(r not in Remedy.values for r in remedies):
        raise field_error("remedies", _("请选择补救措施（修理、更换、退货退款）。"))
    data["remedies"] = remedies
    _check_target(data.get("target_rate"), data.get("target_date"), data.get("started_on"))


def _check_target(rate, date, started_on) -> None:
    """A target rate and date go together: a percentage (1–100) and a date after the recall starts."""
    if rate is None and date is None:
        return
    if rate is None or date is None:
        raise field_error("target_rate", _("目标召回率和目标日期须同时填写。"))
    if isinstance(rate, bool) or not isinstance(rate, int) or not 0 < rate <= 100:
        raise field_error("target_rate", _("目标召回率应为 1–100 的百分数。"))
    if not isinstance(date, dt.date) or (isinstance(started_on, dt.date) and date <= started_on):
        raise field_error("target_date", _("目标日期须晚于召回开始日期。"))


def open_for_order(principal: Principal, order) -> Recall:
    """Art.22: ordering a recall (the "ordered-recall" measure, whose caller has authorised it) opens the recall
    case bound to the order, awaiting the enterprise's recall plan; the order's deadline is the plan's."""
    if order.target_enterprise is None:
        raise field_error("target_enterprise", _("责令召回须选择召回实施者（涉事企业）。"))
    warning = order.warning
    recall = Recall.objects.create(
        kind=RecallKind.ORDERED,
        recall_type=RecallType.DEFECT,
        enterprise=order.target_enterprise,
        warning=warning,
        measure=order,
        product=order.target[:300],
        hs_code=next(iter(order.hs_codes), "")[:10],
        defect=(warning.summary if warning is not None else order.instructions)[:20000],
        status=RecallStatus.AWAITING_PLAN,
        started_on=timezone.localdate(),
        organisation=order.organisation,
        created_by=recorded(principal),
    )
    _record(principal, recall, "opened", {"kind": recall.kind, "measure": order.reference, "awaiting_plan": True})
    return recall


PLAN_FIELDS = (
    "brand",
    "model",
    "affected_units",
    "affected_range",
    "distribution",
    "distribution_en",
    "remedies",
    "communication_plan",
    "target_rate",
    "target_date",
)


@transaction.atomic
def submit_plan(principal: Principal, recall: Recall, data: dict) -> Recall:
    """The recall plan of an ordered recall — units, range, distribution, remedies, communication — entered by the
    enterprise or the supervising authority; the recall then runs and its progress is reported."""
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    organisation = getattr(principal, "organisation", None)
    own = principal.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL) and organisation == recall.enterprise
    supervising = principal.has_permission(Permission.RESPONSE_RECALL_MANAGE) and (
        Recall.objects.visible_to(principal).filter(pk=recall.pk).exists()
    )
    if not (own or supervising):
        raise PermissionDenied(_("只有召回实施者和监督机构才能提交召回计划。"))
    if recall.status != RecallStatus.AWAITING_PLAN:
        raise field_error("status", _("该召回的计划已提交。"))
    data = {name: data.get(name) for name in PLAN_FIELDS}
    for name in ("affected_range", "communication_plan"):
        data[name] = (data.get(name) or "").strip()
        if not data[name]:
            raise field_error(name, _("请填写此项。"))
    data["started_on"] = timezone.localdate()
    _check_plan(data)
    for name in ("brand", "model", "distribution", "distribution_en"):
        data[name] = (data.get(name) or "").strip()
    for name, value in data.items():
        setattr(recall, name, value)
    recall.status = RecallStatus.IN_PROGRESS
    recall.save()
    _record(principal, recall, "plan_submitted", {"units": recall.affected_units, "remedies": recall.remedies})
    return recall


@transaction.atomic
def report_progress(
    principal, recall: Recall, *, as_of: dt.date, units_corrected: int, note: str = ""
) -> RecallProgress:
    """A periodic report by the enterprise itself or the supervising authority: units corrected so far."""
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    organisation = getattr(principal, "organisation", None)
    own = principal.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL) and organisation == recall.enterprise
    supervising = principal.has_permission(Permission.RESPONSE_RECALL_MANAGE) and (
        Recall.objects.visible_to(principal).filter(pk=recall.pk).exists()
    )
    if not (own or supervising):
        raise PermissionDenied(_("只有召回实施者和监督机构才能报告召回进度。"))
    if recall.status == RecallStatus.AWAITING_PLAN:
        raise field_error("status", _("请先提交召回计划。"))
    if recall.status != RecallStatus.IN_PROGRESS:
        raise field_error("status", _("该召回已完成。"))
    today = timezone.localdate()
    if not isinstance(as_of, dt.date) or as_of > today or as_of < recall.started_on:
        raise field_error("as_of", _("截至日期应在召回开始之后、今天或以前。"))
    if isinstance(units_corrected, bool) or not isinstance(units_corrected, int) or units_corrected < 0:
        raise field_error("units_corrected", _("请填写累计完成补救的数量。"))
    if units_corrected > recall.affected_units:
        raise field_error("units_corrected", _("累计数量超过涉及数量 %d。") % recall.affected_units)
    earlier = recall.progress.filter(as_of__lt=as_of).order_by("-as_of").first()
    later = recall.progress.filter(as_of__gt=as_of).order_by("as_of").first()
    if (earlier and units_corrected < earlier.units_corrected) or (later and units_corrected > later.units_corrected):
        raise field_error("units_corrected", _("累计数量不能少于此前报告的数量。"))
    if recall.progress.filter(as_of=as_of).exists():
        raise field_error("as_of", _("该日期已报告过进度。"))
    progress = RecallProgress.objects.create(
        recall=recall,
        as_of=as_of,
        units_corrected=units_corrected,
        note=(note or "").strip()[:5000],
        reported_by=recorded(principal),
    )
    if units_corrected == recall.affected_units:
        recall.status, recall.completed_at = RecallStatus.COMPLETED, timezone.now()
        recall.save(update_fields=["status", "completed_at"])
    _record(principal, recall, "progress", {"as_of": as_of, "units": units_corrected})
    return progress


@transaction.atomic
def publish(principal: Principal, recall: Recall) -> Recall:
    """The public recall notice, on the portal next to the warnings."""
    require(principal, Permission.RESPONSE_RECALL_MANAGE)
    recall = Recall.objects.visible_to(principal).select_for_update().filter(pk=recall.pk).first()
    if recall is None:
        raise PermissionDenied
    if recall.public:
        raise field_error("public", _("召回公告已发布。"))
    if recall.status == RecallStatus.AWAITING_PLAN:
        raise field_error("public", _("召回计划提交后才能发布召回公告。"))
    recall.public, recall.published_at = True, timezone.now()
    recall.save(update_fields=["public", "published_at"])
    _record(principal, recall, "published")
    return recall


@transaction.atomic
def open_enforcement(principal: Principal, recall: Recall, *, kind: str, facts: str) -> RecallEnforcement:
    require(principal, Permission.RESPONSE_RECALL_MANAGE)
    if not Recall.objects.visible_to(principal).filter(pk=recall.pk).exists():
        raise PermissionDenied

    if kind not in EnforcementKind.values:
        raise field_error("kind", _("请选择违法情形。"))
    facts = (facts or "").strip()
    if not facts:
        raise field_error("facts", _("请写明事实。"))
    record = RecallEnforcement.objects.create(
        recall=recall, kind=kind, facts=facts[:10000], opened_by=recorded(principal)
    )
    # A fact for the enterprise's credit record (the credit lists read these events).
    credit.record_event(
        enterprise=recall.enterprise,
        kind=f"recall_{kind}",
        source=f"recall-enforcement:{record.pk}",
        detail=facts[:2000],
        occurred_at=record.opened_at,
    )
    _record(principal, recall, "enforcement_opened", {"kind": kind, "record": record.pk}, facts[:500])
    return record


@transaction.atomic
def link_assessment(principal: Principal, recall: Recall, assessment: Assessment) -> Recall:
    """The recall's defect investigation is (or rests on) a risk assessment: link it."""
    require(principal, Permission.RESPONSE_RECALL_MANAGE)
    recall = Recall.objects.visible_to(principal).select_for_update().filter(pk=recall.pk).first()
    if recall is None:
        raise PermissionDenied
    if not Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists():
        raise field_error("assessment", _("请选择本辖区内的研判。"))
    before = recall.assessment.reference if recall.assessment_id else ""
    recall.assessment = assessment
    recall.save(update_fields=["assessment"])
    _record(principal, recall, "assessment_linked", {"assessment": [before, assessment.reference]})
    return recall


def latest_rate(recall: Recall) -> float:
    """The share of the units concerned corrected by the latest progress report (0 without one)."""
    latest = recall.progress.order_by("-as_of").first()
    return latest.units_corrected / recall.affected_units if latest and recall.affected_units else 0.0


def watch(now: dt.datetime | None = None) -> int:
    """Recalls under supervision: a recall in progress still below its target rate after its target date is
    stalled — recorded and escalated once to the supervising authority and the one above it (scheduled; also
    `manage.py watch_recalls`). Running it again escalates nothing more."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Recall.objects.filter(
        status=RecallStatus.IN_PROGRESS, stalled_at__isnull=True, target_date__lt=today, target_rate__isnull=False
    ).select_related("organisation__parent", "enterprise")
    stalled = 0
    for recall in due:
        rate = latest_rate(recall)
        if rate * 100 >= recall.target_rate:
            continue
        if not Recall.objects.filter(pk=recall.pk, stalled_at__isnull=True).update(stalled_at=now):
            continue
        words = {
            "ref": recall.reference,
            "rate": f"{rate:.0%}",
            "target": recall.target_rate,
            "date": recall.target_date.isoformat(),
        }
        title = in_both(
            lambda words=words: _("召回 %(ref)s 未达目标：截至 %(date)s 召回率 %(rate)s，目标 %(target)s%%") % words
        )
        for organisation in {recall.organisation, recall.organisation.parent} - {None}:
            notify_organisation(
                organisation=organisation,
                permission=Permission.RESPONSE_RECALL_MANAGE,
                about=recall,
                kind="recall.stalled",
                title=title,
                link=recall.get_absolute_url(),
                object_key=str(recall.pk),
            )
        record(None, recall, "recall.stalled", {"rate": round(rate, 4), "target": recall.target_rate})
        stalled += 1
    return stalled
