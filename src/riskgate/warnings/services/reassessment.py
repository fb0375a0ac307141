"""Agencies ask for re-assessment (Art.20): an inspection body, port or partner agency that received a circular
answers that the risk has changed, with its evidence; the issuing office accepts — the warning's confirmed
assessment is re-assessed as a new version — or declines, with a reason either way, and the agency is told."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.assessment import services as assessments
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, recorded, require_person
from riskgate.core.text import local

from ..models import (
    ReassessmentRequest,
    ReassessmentStatus,
    Recipient,
    RecipientKind,
    Status,
    WarningNotice,
)


@transaction.atomic
def request(principal: Principal, recipient: Recipient, *, change: str, evidence: str) -> ReassessmentRequest:
    """The receiving agency reports that the risk of a warning in force has changed, with its evidence."""
    require(principal, Permission.WARNING_RECEIVE)
    require_person(principal)
    if principal.organisation_id != recipient.organisation_id:
        raise PermissionDenied(_("只有接收机构本身可以提出重新研判请求。"))
    if recipient.kind != RecipientKind.AGENCY:
        raise field_error("change", _("重新研判请求由接收通报的检验机构和协作部门提出。"))
    notice = WarningNotice.objects.get(pk=recipient.notice_id)
    if notice.status != Status.PUBLISHED:
        raise field_error("change", _("该预警已调整或解除，请就当前版本提出。"))
    change, evidence = (change or "").strip(), (evidence or "").strip()
    if not change:
        raise field_error("change", _("请说明风险发生了什么变化。"))
    if not evidence:
        raise field_error("evidence", _("请写明依据（检测结果、伤害报告、通报等）。"))
    if ReassessmentRequest.objects.filter(recipient=recipient, status=ReassessmentStatus.OPEN).exists():
        raise field_error("change", _("本机构的请求尚待发布机构处理。"))
    item = ReassessmentRequest.objects.create(
        recipient=recipient,
        notice=notice,
        organisation=recipient.organisation,
        issuer=notice.organisation,
        change=change[:10000],
        evidence=evidence[:20000],
        requested_by=recorded(principal),
    )
    audit.record(
        actor=principal,
        action="warning.reassessment_requested",
        obj=notice,
        changes=audit.facts(request=item.pk, by=recipient.organisation_id),
        reason=change[:500],
    )
    _tell(
        item,
        notice.organisation,
        Permission.WARNING_DRAFT,
        "warning.reassessment_requested",
        in_both(
            lambda: (
                _("%(org)s 请求对预警 %(ref)s 重新研判：风险已发生变化")
                % {"org": local(recipient.organisation), "ref": notice.reference}
            )
        ),
        reverse("warnings:manage", kwargs={"pk": notice.pk}),
    )
    return item


@transaction.atomic
def decide(principal: Principal, item: ReassessmentRequest, *, accept: bool, reason: str) -> ReassessmentRequest:
    """The issuing office accepts (the confirmed assessment the warning rests on is re-assessed, a new version) or
    declines the request, with its reason; the agency is told."""
    require(principal, Permission.WARNING_DRAFT)
    require_person(principal)
    item = ReassessmentRequest.objects.visible_to(principal).select_for_update().filter(pk=item.pk).first()
    if item is None:
        raise PermissionDenied
    if item.status != ReassessmentStatus.OPEN:
        raise field_error("reason", _("该请求已处理。"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请写明接受或不予重新研判的理由。"))
    if accept:
        basis = item.notice.assessment
        if basis is not None and basis.status == AssessmentStatus.CONFIRMED:
            why = _("%(org)s 报告风险已发生变化：%(change)s") % {"org": item.organisation.name, "change": item.change}
            item.assessment = assessments.reassess(principal, basis, reason=f"{why}\n{reason}"[:5000])
    item.status = ReassessmentStatus.ACCEPTED if accept else ReassessmentStatus.DECLINED
    item.decision_reason, item.decided_by, item.decided_at = reason[:5000], recorded(principal), timezone.now()
    item.save()
    audit.record(
        actor=principal,
        action="warning.reassessment_" + item.status,
        obj=item.notice,
        changes=audit.facts(request=item.pk, assessment=item.assessment.reference if item.assessment else ""),
        reason=reason[:500],
    )
    _tell(
        item,
        item.organisation,
        Permission.WARNING_RECEIVE,
        "warning.reassessment_decided",
        in_both(
            lambda: (
                _("预警 %(ref)s 的重新研判请求：%(status)s")
                % {"ref": item.notice.reference, "status": item.get_status_display()}
            )
        ),
        reverse("warnings:inbox_item", kwargs={"pk": item.recipient_id}),
    )
    return item


def _tell(item: ReassessmentRequest, organisation, permission, kind: str, title: list[str], link: str) -> None:
    transaction.on_commit(
        lambda: notify_organisation(
            organisation=organisation,
            permission=permission,
            kind=kind,
            title=title,
            link=link,
            object_key=f"reassessment:{item.pk}",
        )
    )
