"""The responsible party's obligations (Art.23), their supervision (Art.25) and lifting (Art.24): the whole
chain through the pages — warning → measure ordered → enterprise reports → institution finds it inadequate →
enterprise resubmits → lifting application → authority lifts → the portal shows the warning lifted — the
overdue report as exactly one credit event, and the denials."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.credit.models import CreditEvent
from riskgate.response.models import MeasureKind, MeasureOrder, Obligation
from riskgate.response.queries import obligations as obligation_queries
from riskgate.response.services import obligations
from riskgate.response.services.measures import order_measure
from riskgate.warnings import services as warnings_services
from tests.response.factories import REPORT, impose
from tests.warnings.factories import published

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _pdf(name="缺陷消除评价报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evaluation", content_type="application/pdf")


def test_the_whole_chain_through_the_pages(world):
    notice, _approver = published(world)
    warning = world.client_for("warning")
    # A measure ordered on the warning (stop sale, led by Xianyang Customs).
    measure = order_measure(
        world.user("warning"),
        kind=MeasureKind.objects.get(code="stop-sale"),
        warning=notice,
        target_kind="product",
        target="涉事移动电源",
        instructions="停止销售",
        lead_unit=world.org("xianyang-customs"),
        deadline=timezone.now() + dt.timedelta(days=5),
    )
    # The obligation, imposed from the warning's page.
    assert warning.get(f"/obligations/new/?warning={notice.pk}").status_code == 200
    response = warning.post(
        "/obligations/new/",
        {
            "warning": notice.pk,
            "enterprise": world.org("ent-xian-trading").pk,
            "institution": world.org("caiq").pk,
            "requirements": "提交报告并召回",
            "report_due": (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    obligation = Obligation.objects.get()
    url = f"/obligations/{obligation.pk}/"
    enterprise, institution = world.client_for("enterprise"), world.client_for("assessor")
    assert obligation.reference in enterprise.get("/obligations/").content.decode()
    # The enterprise's report lacks a part: refused, nothing stored.
    bad = enterprise.post(url + "report/", {**REPORT, "plan": ""})
    assert bad.status_code == 400 and not obligation.reports.exists()
    assert enterprise.post(url + "report/", REPORT).status_code == 302
    # The institution finds it inadequate; the enterprise resubmits.
    evaluation = {
        "verdict": "inadequate",
        "feasibility": "可行",
        "effectiveness": "未说明流向核查方法",
        "adequacy": "甘肃销售渠道未覆盖",
        "truthful": "on",
    }
    assert enterprise.post(url + "evaluate/", evaluation).status_code == 403  # not the institution
    assert institution.post(url + "evaluate/", evaluation).status_code == 302
    obligation.refresh_from_db()
    assert obligation.status == "awaiting_report"
    assert enterprise.post(url + "report/", {**REPORT, "quantity_distribution": "含甘肃 3 家经销商"}).status_code == 302
    assert (
        institution.post(url + "evaluate/", {**evaluation, "verdict": "adequate", "adequacy": "已覆盖"}).status_code
        == 302
    )
    obligation.refresh_from_db()
    assert obligation.status == "implementing" and [r.verdict for r in obligation.reports.all()] == [
        "inadequate",
        "adequate",
    ]
    # Lifting needs the consumers told first (Art.23(2)).
    refused = enterprise.post(url + "apply/", {"text": "缺陷已消除", "evaluation_report": _pdf()})
    assert refused.status_code == 400
    fake = SimpleUploadedFile("公告.pdf", b"MZ\x90\x00 not a pdf")
    assert enterprise.post(url + "consumers/", {"text": "公告", "proof": fake}).status_code == 400
    proof = SimpleUploadedFile("公告截图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    assert (
        enterprise.post(
            url + "consumers/", {"text": "官网、门店公告及短信通知全部购买者。", "proof": proof}
        ).status_code
        == 302
    )
    obligation.refresh_from_db()
    assert obligation.consumers_proof_name == "公告截图.png" and len(obligation.consumers_proof_sha256) == 64
    assert enterprise.get(url + "proof/").status_code == 200
    assert enterprise.post(url + "progress/", {"text": "已召回 790 件。"}).status_code == 302
    assert enterprise.post(url + "apply/", {"text": "缺陷已消除", "evaluation_report": _pdf()}).status_code == 302
    obligation.refresh_from_db()
    assert obligation.status == "lifting_applied"
    application = obligation.party_reports.get(kind="lifting")
    assert enterprise.get(f"{url}file/{application.pk}/").status_code == 200
    # The authority may not grant it before the institution confirms the defect-elimination report (Art.25).
    early = warning.post(url + "decide/", {"approve": "1", "decision": "准予解除"})
    assert early.status_code == 400 and "技术机构尚未确认" in early.content.decode()
    assert "confirm_elimination" in institution.get(url).content.decode()
    confirmation = {"confirmed": "1", "note": "抽检 20 件，保护板已更换，缺陷已消除。"}
    assert enterprise.post(url + "confirm_elimination/", confirmation).status_code == 403
    assert institution.post(url + "confirm_elimination/", {"confirmed": "1", "note": ""}).status_code == 400
    assert institution.post(url + "confirm_elimination/", confirmation).status_code == 302
    application.refresh_from_db()
    assert application.confirmation == "confirmed" and application.confirmed_by == world.user("assessor")
    # The effect evaluation recommends lifting; the authority then lifts the obligation, the warning's measures
    # and the warning itself.
    warnings_services.evaluate(
        world.user("warning"), notice, measures_done="召回率 92%", new_incidents=0, recommendation="lift"
    )
    assert enterprise.post(url + "decide/", {"approve": "1", "decision": "x"}).status_code == 403
    assert (
        warning.post(url + "decide/", {"approve": "1", "decision": "技术机构确认缺陷已消除，召回率 92%。"}).status_code
        == 302
    )
    obligation.refresh_from_db()
    assert obligation.status == "lifted"
    assert MeasureOrder.objects.get(pk=measure.pk).status == "lifted"
    portal = world.client_for("anonymous").get(f"/warnings/{notice.lineage_id}/").content.decode()
    assert "已解除" in portal and "技术机构确认缺陷已消除" in portal
    assert AuditEvent.objects.filter(action="obligation.lifted", object_id=str(obligation.pk)).exists()


def test_an_overdue_report_is_one_credit_event_however_often_the_job_runs(world, django_capture_on_commit_callbacks):
    from riskgate.core.models import Notification

    notice, _approver = published(world)
    with time_machine.travel(NOW, tick=False):
        obligation = impose(world, notice, due=NOW + dt.timedelta(days=3))
    with (
        time_machine.travel(NOW + dt.timedelta(days=1, hours=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert obligations.escalate() == {"reminded": 1, "overdue": 0}
        assert obligations.escalate() == {"reminded": 0, "overdue": 0}
    with (
        time_machine.travel(NOW + dt.timedelta(days=3, seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert obligations.escalate() == {"reminded": 0, "overdue": 1}
        assert obligations.escalate() == {"reminded": 0, "overdue": 0}
    event = CreditEvent.objects.get()
    assert (event.kind, event.source, event.enterprise.code) == (
        "mitigation_report_overdue",
        f"obligation:{obligation.reference}",
        "ent-xian-trading",
    )
    assert Notification.objects.filter(kind="obligation.reminder").count() == 1
    assert Notification.objects.filter(kind="obligation.overdue", organisation__code="gacc-warning-office").count() == 1
    # A late report is still accepted; the overdue record stays.
    obligations.submit_report(world.user("enterprise"), obligation, REPORT)
    obligation.refresh_from_db()
    assert obligation.overdue_at is not None and CreditEvent.objects.count() == 1


def test_denials_and_refusals(world):
    from riskgate.accounts.models import Role, User

    notice, _approver = published(world)
    with pytest.raises(PermissionDenied):
        obligations.impose(
            world.user("port"),
            warning=notice,
            enterprise=world.org("ent-xian-trading"),
            institution=world.org("caiq"),
            requirements="x",
            report_due=timezone.now(),
        )
    with pytest.raises(ValidationError) as error:
        obligations.impose(
            world.user("warning"),
            warning=notice,
            enterprise=world.org("xian-customs"),
            institution=world.org("caiq"),
            requirements="x",
            report_due=timezone.now() + dt.timedelta(days=1),
        )
    assert "enterprise" in error.value.message_dict
    obligation = impose(world, notice)
    other = User.objects.create(
        username="harbin-timber",
        role=Role.objects.get(code="enterprise_user"),
        organisation=world.org("ent-harbin-timber"),
    )
    assert obligation not in obligation_queries.visible(other)
    with pytest.raises(PermissionDenied):
        obligations.submit_report(other, obligation, REPORT)
    assert world.client_for("enterprise").get(f"/obligations/{obligation.pk}/").status_code == 200
    from django.test import Client

    client = Client()
    client.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/obligations/{obligation.pk}/").status_code == 404
    obligations.submit_report(world.user("enterprise"), obligation, REPORT)
    with pytest.raises(ValidationError, match="真实性"):
        obligations.evaluate(
            world.user("assessor"),
            obligation,
            verdict="adequate",
            feasibility="a",
            effectiveness="b",
            adequacy="c",
            truthful=False,
        )
    with pytest.raises(PermissionDenied):  # an institution not designated
        lab = User.objects.create(
            username="other-assessor", role=Role.objects.get(code="assessor"), organisation=world.org("quality-society")
        )
        obligations.evaluate(
            lab, obligation, verdict="inadequate", feasibility="a", effectiveness="b", adequacy="c", truthful=True
        )
    with pytest.raises(PermissionDenied):
        obligations.decide_lifting(world.user("harbin"), obligation, approve=True, decision="x")
    assert world.client_for("expert").get("/obligations/").status_code == 403


def test_implementation_is_inspected_and_the_result_notified(world, django_capture_on_commit_callbacks):
    from riskgate.core.models import Notification

    notice, _approver = published(world)
    obligation = impose(world, notice)
    enterprise = world.user("enterprise")
    obligations.submit_report(enterprise, obligation, REPORT)
    with pytest.raises(ValidationError, match="当前状态"):  # nothing to inspect before the measures are approved
        obligations.record_check(
            world.user("warning"), obligation, checked_on=timezone.localdate(), result="satisfactory", findings="x"
        )
    obligations.evaluate(
        world.user("assessor"),
        obligation,
        verdict="adequate",
        feasibility="a",
        effectiveness="b",
        adequacy="c",
        truthful=True,
    )
    with pytest.raises(PermissionDenied):
        obligations.record_check(
            world.user("harbin"), obligation, checked_on=timezone.localdate(), result="satisfactory", findings="x"
        )
    with pytest.raises(PermissionDenied):
        obligations.record_check(
            enterprise, obligation, checked_on=timezone.localdate(), result="satisfactory", findings="x"
        )
    with django_capture_on_commit_callbacks(execute=True):
        check = obligations.record_check(
            world.user("warning"),
            obligation,
            checked_on=timezone.localdate(),
            result="unsatisfactory",
            findings="甘肃经销商仍在销售涉事型号。",
        )
    assert check.get_result_display() == "落实不到位"
    told = set(Notification.objects.filter(kind="obligation.checked").values_list("organisation__code", flat=True))
    assert told == {"ent-xian-trading", "caiq"}
    page = world.client_for("enterprise").get(f"/obligations/{obligation.pk}/").content.decode()
    assert "甘肃经销商仍在销售涉事型号" in page
    posted = world.client_for("warning").post(
        f"/obligations/{obligation.pk}/check/",
        {"checked_on": timezone.localdate().isoformat(), "result": "satisfactory", "findings": "已全部下架"},
    )
    assert posted.status_code == 302 and obligation.checks.count() == 2


def test_lifting_one_party_leaves_the_measures_against_another(world):
    from riskgate.response.services.measures import order_measure

    notice, _approver = published(world)
    due = timezone.now() + dt.timedelta(days=5)
    kind = MeasureKind.objects.get(code="stricter-inspection")
    ours = order_measure(
        world.user("warning"),
        kind=kind,
        warning=notice,
        target_kind="enterprise",
        target="本企业",
        target_enterprise=world.org("ent-xian-trading"),
        instructions="加严",
        deadline=due,
        lead_unit=world.org("xianyang-customs"),
    )
    theirs = order_measure(
        world.user("warning"),
        kind=kind,
        warning=notice,
        target_kind="enterprise",
        target="另一企业",
        target_enterprise=world.org("ent-baoji-toys"),
        instructions="加严",
        deadline=due,
        lead_unit=world.org("xianyang-customs"),
    )
    general = order_measure(
        world.user("warning"),
        kind=MeasureKind.objects.get(code="stop-sale"),
        warning=notice,
        target_kind="product",
        target="同类产品",
        instructions="停售",
        deadline=due,
        lead_unit=world.org("xianyang-customs"),
    )
    first = impose(world, notice)
    obligations.impose(
        world.user("warning"),
        warning=notice,
        enterprise=world.org("ent-baoji-toys"),
        institution=world.org("caiq"),
        requirements="x",
        report_due=due,
    )
    enterprise = world.user("enterprise")
    obligations.submit_report(enterprise, first, REPORT)
    obligations.evaluate(
        world.user("assessor"),
        first,
        verdict="adequate",
        feasibility="a",
        effectiveness="b",
        adequacy="c",
        truthful=True,
    )
    obligations.notify_consumers(enterprise, first, text="已通知")
    obligations.apply_for_lifting(enterprise, first, text="已消除", evaluation_report=_pdf())
    obligations.confirm_elimination(world.user("assessor"), first, confirmed=True, note="缺陷已消除")
    obligations.decide_lifting(world.user("warning"), first, approve=True, decision="准予解除")
    statuses = dict(MeasureOrder.objects.values_list("pk", "status"))
    assert statuses[ours.pk] == "lifted"
    assert statuses[theirs.pk] != "lifted" and statuses[general.pk] != "lifted"  # the other party is still open
    assert warnings_current(notice).is_live


def warnings_current(notice):
    from riskgate.warnings.services import current

    return current(notice)
