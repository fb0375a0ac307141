"""Intake details (issue 25 item 7, R-COL-1, R-COL-2): the hotline a call came through, and whistleblower rewards —
eligibility, a proposal, approval by a second officer, the payment record — which the reporter follows with the
receipt code while the reporter's identity stays masked from everyone without intake:reporter:view."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.intake import rewards, services
from riskgate.intake.models import Reward, RiskInformation
from tests.intake.test_channels import report
from tests.intake.test_workflow import HOTLINE
from tests.warnings.factories import second_officer

NAME, PHONE = "李华", "13900001111"


def verified_public_report(world, **overrides):
    receipt = report(**overrides).context["receipt"]
    info = RiskInformation.objects.get(receipt=receipt.number)
    xian = world.user("xian")
    services.transition(xian, info, to_status="under_verification")
    services.transition(xian, info, to_status="verified")
    info.refresh_from_db()
    return info, receipt


def lookup(receipt) -> str:
    response = Client().post(
        "/report/status/", {"number": receipt.number, "secret": receipt.secret}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_hotline_call_records_its_number(world):
    client = world.client_for("bureau_officer")
    missing = client.post("/intake/new/", {**HOTLINE, "hotline": ""})
    assert missing.status_code == 400 and "12360" in missing.content.decode()
    assert not RiskInformation.objects.exists()
    assert client.post("/intake/new/", {**HOTLINE, "hotline": "12360"}).status_code == 302
    info = RiskInformation.objects.get()
    assert info.hotline == "12360"
    page = client.get(reverse("intake:detail", args=[info.pk])).content.decode()
    assert "12360 海关服务热线" in page
    # Entered as the officer's own finding, a hotline number posted by mistake is not kept.
    client.post("/intake/new/", {**HOTLINE, "title": "自行发现", "channel": "officer_entry", "hotline": "12315"})
    assert RiskInformation.objects.get(title="自行发现").hotline == ""


def test_a_reward_is_proposed_approved_by_a_second_officer_paid_and_seen_through_the_receipt(world):
    info, receipt = verified_public_report(world)
    proposer, second = world.user("xian"), second_officer(world, "xian2", "xian-customs", "bureau_officer")
    with pytest.raises(ValidationError, match="金额"):
        rewards.propose(proposer, info, amount="0", eligibility="举报属实")
    reward = rewards.propose(proposer, info, amount="2000", eligibility="经核实，涉事批次电池不合格，举报属实。")
    assert "已提议，待审批" in lookup(receipt)
    with pytest.raises(PermissionDenied, match="另一名人员"):
        rewards.decide(proposer, reward, approve=True, note="同意")
    with pytest.raises(ValidationError, match="审批意见"):
        rewards.decide(second, reward, approve=True, note=" ")
    reward = rewards.decide(second, reward, approve=True, note="同意，按标准核减。", amount="1500")
    assert (reward.status, str(reward.amount), reward.decided_by) == ("approved", "1500.00", second)
    shown = lookup(receipt)
    assert "已批准，待发放" in shown and "1500.00" in shown
    with pytest.raises(ValidationError, match="晚于今天"):
        rewards.record_payment(second, reward, paid_on=timezone.localdate() + dt.timedelta(days=1), reference="X")
    rewards.record_payment(proposer, reward, paid_on=timezone.localdate(), reference="财付 2026-118")
    shown = lookup(receipt)
    assert "已发放" in shown and timezone.localdate().isoformat() in shown
    for secret in (NAME, PHONE, "xian", "李强"):  # nobody's identity on the public side
        assert secret not in shown
    actions = list(
        AuditEvent.objects.filter(object_id=str(info.pk), action__startswith="reward.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["reward.proposed", "reward.approved", "reward.paid"]


def test_eligibility_and_refusal(world):
    anonymous, _receipt = verified_public_report(world, name="", phone="", email="", wants_reward="", ip="10.0.0.5")
    with pytest.raises(ValidationError, match="未申请奖励"):
        rewards.propose(world.user("xian"), anonymous, amount="500", eligibility="属实")
    receipt = report(ip="10.0.0.7", title="未核实的举报").context["receipt"]
    unverified = RiskInformation.objects.get(receipt=receipt.number)
    with pytest.raises(ValidationError, match="核实属实"):
        rewards.propose(world.user("xian"), unverified, amount="500", eligibility="属实")
    info, receipt = verified_public_report(world, title="第三条举报", ip="10.0.0.8")
    reward = rewards.propose(world.user("xian"), info, amount="800", eligibility="属实")
    with pytest.raises(ValidationError, match="已有奖励"):
        rewards.propose(world.user("xian"), info, amount="800", eligibility="属实")
    rewards.decide(world.user("warning"), reward, approve=False, note="举报内容此前已由企业主动报告。")
    shown = lookup(receipt)
    assert "不予奖励" in shown and "企业主动报告" not in shown, "the internal reasons stay internal"
    with pytest.raises(ValidationError, match="当前状态"):
        rewards.record_payment(world.user("xian"), reward, paid_on=timezone.localdate(), reference="X")


def test_only_the_jurisdictions_officers_handle_rewards_and_the_identity_stays_masked(world):
    info, _receipt = verified_public_report(world)
    for username in ("harbin", "port", "assessor", "enterprise", "auditor"):
        with pytest.raises(PermissionDenied):
            rewards.propose(world.user(username), info, amount="100", eligibility="属实")
    reward = rewards.propose(world.user("xian"), info, amount="1000", eligibility="属实")
    url = reverse("intake:detail", args=[info.pk])
    for role in ("bureau_officer", "warning_officer"):
        page = world.client_for(role).get(url).content.decode()
        assert 'id="h-reward"' in page and "1000" in page
    # The Xi'an bureau officer handles the reward without seeing who reported; the warning office may see it.
    assert NAME not in world.client_for("bureau_officer").get(url).content.decode()
    assert NAME in world.client_for("warning_officer").get(url).content.decode()
    # Through the pages: another jurisdiction and roles without the permission are refused.
    act = reverse("intake:reward_act", args=[info.pk, "decide"])
    data = {"approve": "1", "note": "同意", "amount": ""}
    assert world.client_for("harbin").post(act, data).status_code == 404
    for role in ("port_officer", "auditor", "enterprise_user", "anonymous"):
        assert world.client_for(role).post(act, data).status_code in (302, 403), role
    assert Reward.objects.get(pk=reward.pk).status == "proposed"
    own = world.client_for("bureau_officer").post(act, data)
    assert own.status_code == 302 and Reward.objects.get(pk=reward.pk).status == "proposed", "not the proposer"
    done = world.client_for("warning_officer").post(act, data)
    assert done.status_code == 302 and Reward.objects.get(pk=reward.pk).status == "approved"
    assert (
        world.client_for("bureau_officer").post(reverse("intake:reward_act", args=[info.pk, "nope"])).status_code == 404
    )
