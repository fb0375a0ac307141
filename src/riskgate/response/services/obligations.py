"""The responsible party's obligations (Art.23) and their supervision (Art.25): imposed by an authority on an
enterprise under a warning; the enterprise submits its risk analysis and mitigation report, tells consumers and
users, reports progress and applies for lifting with a defect-elimination evaluation report; a technical
institution evaluates each report (feasibility, effectiveness, adequacy, truthfulness) — an inadequate one goes
back for resubmission; the authority decides the lifting application, and lifting the obligation lifts the
warning's measures and the warning itself where the authority may. A missed report deadline is reminded, then
recorded once as overdue, with a credit event that names its source."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core.access import field_error, require
from riskgate.core.evidence import prepare_upload
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.notifications import in_both
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, recorded
from riskgate.credit import services as credit
from riskgate.warnings import services as warnings
from riskgate.warnings.queries import basis_for

from ..models import (
    EliminationVerdict,
    ImplementationCheck,
    LimitKind,
    MeasureOrder,
    MitigationReport,
    Obligation,
    ObligationStatus,
    PartyReport,
    Status,
    Verdict,
    response_window,
)
from . import lifting, measures
from .common import elimination_confirmed, implementation_check, lifting_application, record

S = ObligationStatus
REPORT_PARTS = ("defect_analysis", "quantity_distribution", "measures", "plan", "expected_effect")
OVERDUE_EVENT = "mitigation_report_overdue"
FULFILLED_EVENT = "mitigation_fulfilled"


def _record(
    principal: Principal, obligation: Obligation, action: str, changes: dict | None = None, reason: str = ""
) -> None:
    record(principal, obligation, f"obligation.{action}", changes, reason)


def _notify(obligation: Obligation, organisation: Organisation, kind: str, title: list[str]) -> None:
    key = f"{kind}:{obligation.pk}:{organisation.pk}:{timezone.now():%Y%m%d%H%M%S%f}"
    enqueue_on_commit("riskgate.response.tasks.notify_obligation", obligation.pk, organisation.pk, kind, title, key)


@transaction.atomic
def impose(
    principal: Principal,
    *,
    warning,
    enterprise: Organisation,
    institution: Organisation,
    requirements: str,
    report_due: dt.datetime,
    measure: MeasureOrder | None = None,
    now=None,
) -> Obligation:
    require(principal, Permission.RESPONSE_MEASURE_ORDER)
    now = now or timezone.now()
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        raise field_error("organisation", _("只有机构人员才能下达义务。"))
    if warning is None or not basis_for(principal).filter(pk=warning.pk).exists():
        raise field_error("warning", _("该预警不在您的辖区内，也未发送给您的单位。"))
    if not warning.is_live:
        raise field_error("warning", _("只能依据发布中的预警下达。"))
    if enterprise is None or enterprise.kind != OrganisationKind.ENTERPRISE:
        raise field_error("enterprise", _("风险责任者必须是登记的企业。"))
    if not Organisation.objects.visible_to(principal).filter(pk=enterprise.pk).exists():
        raise field_error("enterprise", _("该企业不在您的辖区内。"))
    if institution is None or institution.kind != OrganisationKind.TECHNICAL_INSTITUTION:
        raise field_error("institution", _("请指定风险评估技术机构。"))
    if measure is not None and measure.warning_id != warning.pk:
        raise field_error("measure", _("该措施不是依据此预警下达的。"))
    requirements = (requirements or "").strip()
    if not requirements:
        raise field_error("requirements", _("请写明对风险责任者的要求。"))
    if report_due <= now:
        raise field_error("report_due", _("提交时限须晚于现在。"))
    obligation = Obligation.objects.create(
        warning=warning,
        measure=measure,
        enterprise=enterprise,
        institution=institution,
        requirements=requirements,
        report_due=report_due,
        organisation=organisation,
        created_by=recorded(principal),
    )
    _record(principal, obligation, "imposed", {"enterprise": enterprise.pk, "report_due": report_due})
    due = timezone.localtime(report_due).strftime("%Y-%m-%d %H:%M")
    title = in_both(
        lambda: (
            _("风险消减义务 %(ref)s：请于 %(due)s 前提交风险分析和消减报告") % {"ref": obligation.reference, "due": due}
        )
    )
    _notify(obligation, enterprise, "obligation.imposed", title)
    return obligation


def _party(principal: Principal, obligation: Obligation) -> Obligation:
    require(principal, Permission.RESPONSE_OBLIGATION_FULFIL)
    obligation = Obligation.objects.select_for_update().filter(pk=obligation.pk).first()
    if obligation is None or getattr(principal, "organisation", None) != obligation.enterprise:
        raise PermissionDenied(_("只有风险责任者本身才能履行义务。"))
    return obligation


def _status(obligation: Obligation, *allowed: str) -> None:
    if obligation.status not in allowed:
        raise field_error("status", _("当前状态（%s）下不能进行此操作。") % obligation.get_status_display())


@transaction.atomic
def submit_report(principal: Principal, obligation: Obligation, parts: dict) -> MitigationReport:
    obligation = _party(principal, obligation)
    _status(obligation, S.AWAITING_REPORT)
    cleaned = {}
    for name in REPORT_PARTS:
        value = (parts.get(name) or "").strip()
        if not value:
            raise field_error(name, _("报告须包括此部分。"))
        cleaned[name] = value[:20000]
    version = obligation.reports.count() + 1
    report = MitigationReport.objects.create(
        obligation=obligation, version=version, submitted_by=recorded(principal), **cleaned
    )
    obligation.status = S.UNDER_EVALUATION
    obligation.save(update_fields=["status"])
    _record(principal, obligation, "report_submitted", {"version": version})
    _notify(
        obligation,
        obligation.institution,
        "obligation.report",
        in_both(lambda: _("风险消减报告待评估：%(ref)s 第 %(v)s 版") % {"ref": obligation.reference, "v": version}),
    )
    return report


@transaction.atomic
def evaluate(
    principal: Principal,
    obligation: Obligation,
    *,
    verdict: str,
    feasibility: str,
    effectiveness: str,
    adequacy: str,
    truthful: bool,
    now=None,
) -> MitigationReport:
    """Art.25: the designated institution evaluates the latest report."""
    require(principal, Permission.RESPONSE_OBLIGATION_EVALUATE)
    now = now or timezone.now()
    obligation = Obligation.objects.select_for_update().filter(pk=obligation.pk).first()
    if obligation is None or getattr(principal, "organisation", None) != obligation.institution:
        raise PermissionDenied(_("只有指定的技术机构才能评估。"))
    _status(obligation, S.UNDER_EVALUATION)
    if verdict not in Verdict.values:
        raise field_error("verdict", _("请选择评估结论。"))
    notes = {"feasibility": feasibility, "effectiveness": effectiveness, "adequacy": adequacy}
    for name, value in notes.items():
        if not (value or "").strip():
            raise field_error(name, _("请填写评估意见。"))
    if verdict == Verdict.ADEQUATE and truthful is not True:
        raise field_error("truthful", _("报告真实性、符合性未确认，不能评为充分。"))
    report = obligation.reports.order_by("-version").first()
    report.verdict, report.truthful, report.evaluated_by, report.evaluated_at = verdict, truthful, principal, now
    for name, value in notes.items():
        setattr(report, name, value.strip())
    report.save()
    if verdict == Verdict.ADEQUATE:
        obligation.status = S.IMPLEMENTING
        title = in_both(lambda: _("%s：消减报告评估为充分，请实施并报告进展") % obligation.reference)
    else:
        obligation.status = S.AWAITING_REPORT
        # an inadequate report: the party has at least the resubmission window (data) to send a new one
        obligation.report_due = max(obligation.report_due, now + response_window(LimitKind.OBLIGATION_RESUBMISSION))
        obligation.reminded_at = None
        title = in_both(lambda: _("%s：消减报告评估为不充分，请补充后重新提交") % obligation.reference)
    obligation.save(update_fields=["status", "report_due", "reminded_at"])
    _record(principal, obligation, "evaluated", {"version": report.version, "verdict": verdict, "truthful": truthful})
    _notify(obligation, obligation.enterprise, "obligation.evaluated", title)
    return report


@transaction.atomic
def notify_consumers(principal: Principal, obligation: Obligation, *, text: str, proof=None, now=None) -> Obligation:
    """Art.23(2): how consumers and users were told, truthfully, with a proof (the notice as published, a
    photo of the shop notice, the mailing record) when there is one."""
    obligation = _party(principal, obligation)
    _status(obligation, S.AWAITING_REPORT, S.UNDER_EVALUATION, S.IMPLEMENTING)
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("请说明以何种方式、向谁通报了什么。"))
    obligation.consumers_notified, obligation.consumers_notified_at = text[:5000], now or timezone.now()
    fields = ["consumers_notified", "consumers_notified_at"]
    if proof is not None:
        obligation.consumers_proof_sha256, obligation.consumers_proof_name = prepare_upload(proof, "proof")
        obligation.consumers_proof = proof
        fields += ["consumers_proof", "consumers_proof_name", "consumers_proof_sha256"]
    obligation.save(update_fields=fields)
    _record(principal, obligation, "consumers_notified", {"proof": obligation.consumers_proof_sha256})
    return obligation


def _store_file(report: PartyReport, upload) -> None:
    report.file_sha256, report.file_name = prepare_upload(upload, "evaluation_report")
    report.evaluation_report = upload


@transaction.atomic
def report_progress(principal: Principal, obligation: Obligation, *, text: str) -> PartyReport:
    """Art.23(3)."""
    obligation = _party(principal, obligation)
    _status(obligation, S.IMPLEMENTING)
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("请填写进展情况。"))
    report = PartyReport.objects.create(
        obligation=obligation, kind=PartyReport.Kind.PROGRESS, text=text[:20000], submitted_by=recorded(principal)
    )
    _record(principal, obligation, "progress", {"report": report.pk})
    return report


@transaction.atomic
def apply_for_lifting(principal: Principal, obligation: Obligation, *, text: str, evaluation_report) -> PartyReport:
    """Art.23(4): with the defect-elimination evaluation report; consumers must have been told first."""
    obligation = _party(principal, obligation)
    _status(obligation, S.IMPLEMENTING)
    if obligation.consumers_notified_at is None:
        raise field_error("text", _("申请解除前须先向消费者和使用者通报（第二十三条第二项）。"))
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("请说明申请解除的理由。"))
    if evaluation_report is None:
        raise field_error("evaluation_report", _("请附产品缺陷消除评价报告。"))
    report = PartyReport(
        obligation=obligation, kind=PartyReport.Kind.LIFTING, text=text[:20000], submitted_by=recorded(principal)
    )
    _store_file(report, evaluation_report)
    report.save()
    obligation.status = S.LIFTING_APPLIED
    obligation.save(update_fields=["status"])
    _record(principal, obligation, "lifting_applied", {"report": report.pk, "sha256": report.file_sha256})
    _notify(
        obligation,
        obligation.organisation,
        "obligation.lifting_applied",
        in_both(lambda: _("%s：风险责任者申请解除") % obligation.reference),
    )
    return report


@transaction.atomic
def confirm_elimination(
    principal: Principal, obligation: Obligation, *, confirmed: bool, note: str, now=None
) -> PartyReport:
    """Art.25: the designated institution confirms the defect-elimination evaluation report of a lifting
    application — or does not, and the party goes back to implementing its measures."""
    require(principal, Permission.RESPONSE_OBLIGATION_EVALUATE)
    now = now or timezone.now()
    obligation = Obligation.objects.select_for_update().filter(pk=obligation.pk).first()
    if obligation is None or getattr(principal, "organisation", None) != obligation.institution:
        raise PermissionDenied(_("只有指定的技术机构才能确认产品缺陷消除评价报告。"))
    _status(obligation, S.LIFTING_APPLIED)
    note = (note or "").strip()
    if not note:
        raise field_error("note", _("请填写技术机构意见。"))
    application = lifting_application(obligation)
    if application.confirmation:
        raise field_error("confirmed", _("该解除申请的报告已处理。"))
    verdict = EliminationVerdict.CONFIRMED if confirmed else EliminationVerdict.NOT_CONFIRMED
    application.confirmation, application.confirmation_note = verdict, note[:20000]
    application.confirmed_by, application.confirmed_at = recorded(principal), now
    application.save(update_fields=["confirmation", "confirmation_note", "confirmed_by", "confirmed_at"])
    if confirmed:
        _notify(
            obligation,
            obligation.organisation,
            "obligation.elimination_confirmed",
            in_both(lambda: _("%s：技术机构确认缺陷已消除，请处理解除申请") % obligation.reference),
        )
    else:
        obligation.status = S.IMPLEMENTING
        obligation.save(update_fields=["status"])
        _notify(
            obligation,
            obligation.enterprise,
            "obligation.elimination_not_confirmed",
            in_both(lambda: _("%s：技术机构未确认缺陷已消除，请继续实施措施") % obligation.reference),
        )
    _record(principal, obligation, "elimination_" + verdict, {"report": application.pk}, note)
    return application


@transaction.atomic
def decide_lifting(
    principal: Principal, obligation: Obligation, *, approve: bool, decision: str, now=None
) -> Obligation:
    """Art.24(2): the authority confirms the risk is eliminated or reduced (lifting the obligation, the warning's
    open measures it decided and, where it may, the warning itself) — or refuses, with its reasons."""

    require(principal, Permission.RESPONSE_MEASURE_LIFT)
    now = now or timezone.now()
    obligation = Obligation.objects.visible_to(principal).select_for_update().filter(pk=obligation.pk).first()
    if obligation is None:
        raise PermissionDenied(_("只有决定机构及其上级才能处理解除申请。"))
    _status(obligation, S.LIFTING_APPLIED)
    decision = (decision or "").strip()
    if not decision:
        raise field_error("decision", _("请填写处理意见。"))
    if approve and not elimination_confirmed(obligation):
        raise field_error("decision", _("技术机构尚未确认产品缺陷消除评价报告（第二十五条），不能批准解除。"))
    application = lifting_application(obligation)
    application.decision, application.decided_by, application.decided_at = decision, principal, now
    application.save(update_fields=["decision", "decided_by", "decided_at"])
    if not approve:
        obligation.status = S.IMPLEMENTING
        obligation.save(update_fields=["status"])
        _record(principal, obligation, "lifting_refused", reason=decision)
        _notify(
            obligation,
            obligation.enterprise,
            "obligation.lifting_refused",
            in_both(lambda: _("%s：解除申请未获批准") % obligation.reference),
        )
        return obligation
    obligation.status, obligation.lifted_at = S.LIFTED, now
    obligation.save(update_fields=["status", "lifted_at"])
    if obligation.overdue_at is None:  # fulfilled without missing a deadline: in the enterprise's favour (R-CRD-1)
        credit.record_event(
            kind=FULFILLED_EVENT,
            source=f"obligation:{obligation.reference}",
            enterprise=obligation.enterprise,
            occurred_at=now,
            detail=_("风险消减义务已履行，经批准解除"),
        )
    # The warning's open measures against this enterprise end with its obligation; those against no enterprise
    # in particular only when no other party's obligation under the warning is still open.
    others = obligation.warning.obligations.exclude(pk=obligation.pk).exclude(status=S.LIFTED).exists()
    mine = Q(target_enterprise=obligation.enterprise)
    targets = mine if others else mine | Q(target_enterprise__isnull=True)
    open_orders = (
        MeasureOrder.objects.visible_to(principal)
        .filter(targets, warning__lineage_id=obligation.warning.lineage_id)
        .exclude(status=Status.LIFTED)
    )
    lifted = []
    for order in open_orders:
        measures.lift(
            principal,
            order,
            reason=decision,
            evaluation=_("风险责任者 %s 的解除申请获批") % obligation.reference,
            now=now,
        )
        lifted.append(order.reference)
    warning_lifted = ""
    current = warnings.current(obligation.warning)
    if current.is_live and not others and principal.has_permission(Permission.WARNING_APPROVE):
        try:
            warning_lifted = lifting.lift_warning(principal, current, reason=decision, now=now).reference
        except (PermissionDenied, ValidationError):
            warning_lifted = ""  # another jurisdiction's warning: its issuer lifts it
    _record(principal, obligation, "lifted", {"measures": lifted, "warning": warning_lifted}, decision)
    _notify(
        obligation, obligation.enterprise, "obligation.lifted", in_both(lambda: _("%s：已解除") % obligation.reference)
    )
    return obligation


@transaction.atomic
def record_check(
    principal, obligation: Obligation, *, checked_on: dt.date, result: str, findings: str
) -> ImplementationCheck:
    """Art.26: an authority of the deciding jurisdiction inspects the implementation; the result goes to the
    responsible party and to the evaluating institution."""
    require(principal, Permission.RESPONSE_MEASURE_EXECUTE)
    obligation = Obligation.objects.visible_to(principal).select_for_update().filter(pk=obligation.pk).first()
    if obligation is None:
        raise PermissionDenied(_("只有决定机构辖区内的单位才能检查实施情况。"))
    _status(obligation, S.IMPLEMENTING, S.LIFTING_APPLIED)
    check = implementation_check(
        principal, obligation=obligation, checked_on=checked_on, result=result, findings=findings
    )
    _record(principal, obligation, "checked", {"check": check.pk, "result": result})
    title = in_both(
        lambda: (
            _("%(ref)s：实施情况检查结果——%(result)s")
            % {
                "ref": obligation.reference,
                "result": check.get_result_display(),
            }
        )
    )
    for organisation in (obligation.enterprise, obligation.institution):
        _notify(obligation, organisation, "obligation.checked", title)
    return check


def escalate(now: dt.datetime | None = None) -> dict:
    """Scheduled (and `manage.py escalate_obligations`): remind the party before its report is due (the window is
    data: ResponseLimit), then
    record a missed deadline once — overdue time, a credit event with its source, the authority told. Running it
    again changes nothing."""
    now = now or timezone.now()
    counts = {"reminded": 0, "overdue": 0}
    waiting = Obligation.objects.filter(status=S.AWAITING_REPORT).select_related("enterprise", "organisation")
    soon = now + response_window(LimitKind.OBLIGATION_REMINDER)
    for obligation in waiting.filter(reminded_at__isnull=True, report_due__gt=now, report_due__lte=soon):
        with transaction.atomic():
            if Obligation.objects.filter(pk=obligation.pk, reminded_at__isnull=True).update(reminded_at=now):
                _notify(
                    obligation,
                    obligation.enterprise,
                    "obligation.reminder",
                    in_both(
                        lambda obligation=obligation: (
                            _("%(ref)s：风险分析和消减报告须于 %(due)s 前提交")
                            % {
                                "ref": obligation.reference,
                                "due": timezone.localtime(obligation.report_due).strftime("%Y-%m-%d %H:%M"),
                            }
                        )
                    ),
                )
                counts["reminded"] += 1
    for obligation in waiting.filter(overdue_at__isnull=True, report_due__lte=now):
        with transaction.atomic():
            if not Obligation.objects.filter(pk=obligation.pk, overdue_at__isnull=True).update(overdue_at=now):
                continue
            created = credit.record_event(
                kind=OVERDUE_EVENT,
                source=f"obligation:{obligation.reference}",
                enterprise=obligation.enterprise,
                occurred_at=now,
                detail=_("未在 %s 前提交风险分析和消减报告")
                % timezone.localtime(obligation.report_due).strftime("%Y-%m-%d %H:%M"),
            )
            _record(None, obligation, "overdue", {"credit_event": created})
            _notify(
                obligation,
                obligation.organisation,
                "obligation.overdue",
                in_both(lambda obligation=obligation: _("%s：风险责任者逾期未提交消减报告") % obligation.reference),
            )
            counts["overdue"] += 1
    return counts
