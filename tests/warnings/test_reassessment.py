"""Agencies ask for re-assessment (issue 25 item 6, Art.20): a receiving agency answers a circular with "the risk
has changed" and its evidence; the issuing office accepts (the warning's assessment is re-assessed) or declines
with a reason; the agency is told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from riskgate.assessment.models import Assessment
from riskgate.core.models import AuditEvent, Notification
from riskgate.warnings.models import ReassessmentRequest, Recipient
from riskgate.warnings.services import reassessment
from tests.warnings.test_inbox import shaanxi_warning


def inbox_item(world, notice, code="xianyang-customs"):
    return Recipient.objects.get(notice=notice, organisation=world.org(code))


def test_an_agency_asks_and_the_office_accepts_with_a_reassessment(world, django_capture_on_commit_callbacks):
    notice, _approver = shaanxi_warning(world)
    item = inbox_item(world, notice)
    port = world.client_for("port_officer")  # 咸阳海关
    page = port.get(reverse("warnings:inbox_item", args=[item.pk])).content.decode()
    assert 'id="h-reassessment"' in page
    url = reverse("warnings:inbox_reassessment", args=[item.pk])
    port.post(url, {"change": "新型号同样过热", "evidence": ""})
    assert not ReassessmentRequest.objects.exists(), "refused without evidence, nothing stored"
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            port.post(url, {"change": "新型号同样过热", "evidence": "口岸抽检 5 批次，3 批次过热。"}).status_code == 302
        )
    request = ReassessmentRequest.objects.get()
    assert (request.organisation, request.issuer, request.status) == (
        world.org("xianyang-customs"),
        world.org("gacc-warning-office"),
        "open",
    )
    assert Notification.objects.filter(
        kind="warning.reassessment_requested", organisation=world.org("gacc-warning-office")
    ).exists()
    with pytest.raises(ValidationError, match="尚待"):
        reassessment.request(world.user("port"), item, change="再次", evidence="x")
    office = world.client_for("warning_officer")
    manage = office.get(reverse("warnings:manage", args=[notice.pk])).content.decode()
    assert "口岸抽检 5 批次" in manage and "reassess-" in manage
    decide = reverse("warnings:reassessment_decide", args=[notice.pk, request.pk])
    office.post(decide, {"accept": "1", "reason": ""})
    assert ReassessmentRequest.objects.get().status == "open", "a reason is required"
    with django_capture_on_commit_callbacks(execute=True):
        assert office.post(decide, {"accept": "1", "reason": "新型号纳入研判范围。"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted" and request.assessment is not None
    new = Assessment.objects.get(pk=request.assessment_id)
    assert new.supersedes_id == notice.assessment_id and "口岸抽检" not in new.reassessment_reason
    assert "新型号同样过热" in new.reassessment_reason
    assert AuditEvent.objects.filter(action="warning.reassessment_accepted").exists()
    assert Notification.objects.filter(
        kind="warning.reassessment_decided", organisation=world.org("xianyang-customs")
    ).exists()
    assert "已接受，重新研判" in port.get(reverse("warnings:inbox_item", args=[item.pk])).content.decode()


def test_the_office_declines_with_a_reason_and_only_the_right_people_act(world):
    notice, _approver = shaanxi_warning(world)
    item = inbox_item(world, notice)
    with pytest.raises(PermissionDenied):  # another organisation's inbox item
        reassessment.request(world.user("xian"), item, change="x", evidence="y")
    enterprise_item = inbox_item(world, notice, "ent-xian-trading")
    with pytest.raises(ValidationError, match="检验机构和协作部门"):
        reassessment.request(world.user("enterprise"), enterprise_item, change="x", evidence="y")
    request = reassessment.request(world.user("port"), item, change="新批次无此问题", evidence="抽检 10 批次合格")
    for username in ("harbin", "port", "enterprise"):
        with pytest.raises(PermissionDenied):
            reassessment.decide(world.user(username), request, accept=False, reason="x")
    declined = reassessment.decide(world.user("warning"), request, accept=False, reason="抽检数量不足以改变结论。")
    assert (declined.status, declined.assessment) == ("declined", None)
    with pytest.raises(ValidationError, match="已处理"):
        reassessment.decide(world.user("warning"), request, accept=True, reason="x")
    # The agency may ask again once its request is decided.
    reassessment.request(world.user("port"), item, change="又有伤害报告", evidence="医院报告 2 例")
    assert ReassessmentRequest.objects.filter(status="open").count() == 1
