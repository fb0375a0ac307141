"""Outside channels: anyone reports without an account (Art.11); enterprises report with measures (Art.12)."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from riskgate.core.models import AuditEvent, Notification
from riskgate.intake.channels import jurisdiction_for_region
from riskgate.intake.models import RiskInformation
from tests.core.exporting import exported

REPORT = {
    "source_type": "consumer_complaint",
    "title": "儿童电动车充电时电池冒烟",
    "description": "在网上购买的进口儿童电动车，充电两小时后电池冒烟，孩子手部轻微烫伤。",
    "product_name": "儿童电动车",
    "brand": "KidRide",
    "hazard_types": ["physical"],
    "injured": "1",
    "region": "610100",
    "name": "李华",
    "phone": "13900001111",
    "email": "lihua@example.cn",
    "wants_reward": "on",
}


def report(client=None, ip="10.0.0.1", **overrides):
    return (client or Client()).post("/report/", {**REPORT, **overrides}, REMOTE_ADDR=ip)


def receipt_of(response):
    return response.context["receipt"]


def test_anyone_reports_without_an_account_and_follows_it_with_a_receipt(world):
    response = report()
    assert response.status_code == 200
    receipt = receipt_of(response)
    info = RiskInformation.objects.get()
    assert info.channel == "public_form" and info.reporter_kind == "person" and info.reward_eligible
    assert info.organisation == world.org("xian-customs"), "Xi'an (610100) belongs to Xi'an Customs"
    assert info.receipt == receipt.number and receipt.secret not in info.receipt_secret_hash
    assert AuditEvent.objects.filter(action="intake.public_report", object_id=str(info.pk)).exists()

    status = Client().post(
        "/report/status/", {"number": receipt.number, "secret": receipt.secret}, REMOTE_ADDR="10.0.0.2"
    )
    assert status.status_code == 200 and "已接收" in status.content.decode()
    assert "李华" not in status.content.decode() and "电池冒烟" not in status.content.decode(), (
        "the lookup shows status only"
    )
    wrong = Client().post("/report/status/", {"number": receipt.number, "secret": "WRONG123"}, REMOTE_ADDR="10.0.0.2")
    assert wrong.status_code == 404 and "回执编号或查询码不正确" in wrong.content.decode()


def test_public_reporter_data_are_encrypted_and_hidden_from_roles_without_permission(world):
    report()
    info = RiskInformation.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_phone, reporter_email FROM intake_riskinformation")
        raw = " ".join(cursor.fetchone())
    assert "李华" not in raw and "13900001111" not in raw and "lihua@example.cn" not in raw
    for role in ("bureau_officer", "system_admin"):
        client = world.client_for(role)
        bodies = [
            client.get(f"/intake/{info.pk}/").content.decode(),
            client.get(f"/api/v1/intake/information/{info.pk}").content.decode(),
            exported(client, "intake.information").decode(),
            b"".join(exported(client, "intake.information", "xlsx").split(b"\x00")).decode("latin-1"),
        ]
        if role == "bureau_officer":
            assert "李华" not in bodies[0] and "13900001111" not in bodies[0]
        for body in bodies[1:]:
            assert "13900001111" not in body and "lihua@example.cn" not in body


@pytest.mark.parametrize(
    "region,bureau",
    [
        ("610100", "xian-customs"),
        ("370200", "qingdao-customs"),
        ("371500", "jinan-customs"),
        (None, "gacc-warning-office"),
    ],
)
def test_reports_go_to_the_bureau_of_the_region(world, region, bureau):
    from riskgate.core.models import Region

    assert jurisdiction_for_region(Region.objects.filter(code=region).first()) == world.org(bureau)


def test_anonymous_reports_are_accepted_and_not_reward_eligible(world):
    response = report(name="", phone="", email="", wants_reward="")
    assert response.status_code == 200
    info = RiskInformation.objects.get()
    assert info.reporter_kind == "anonymous" and not info.reward_eligible


def test_reward_needs_a_way_to_reach_the_reporter(world):
    response = report(name="", phone="", email="")
    assert response.status_code == 400 and "申请奖励请留下电话或电子邮箱" in response.content.decode()
    assert not RiskInformation.objects.exists()


def test_one_address_is_rate_limited_others_are_not(world, settings):
    settings.PUBLIC_REPORTS_PER_HOUR = 3
    for _ in range(3):
        assert report(ip="10.1.1.1").status_code == 200
    blocked = report(ip="10.1.1.1")
    assert blocked.status_code == 429 and "提交过于频繁" in blocked.content.decode()
    assert RiskInformation.objects.count() == 3
    assert report(ip="10.1.1.2").status_code == 200


def test_receipt_lookups_are_rate_limited(world, settings):
    settings.RECEIPT_LOOKUPS_PER_HOUR = 2
    for _ in range(2):
        Client().post("/report/status/", {"number": "R2611AAAAAA", "secret": "X"}, REMOTE_ADDR="10.2.2.2")
    assert (
        Client().post("/report/status/", {"number": "R2611AAAAAA", "secret": "X"}, REMOTE_ADDR="10.2.2.2").status_code
        == 429
    )


def test_bots_filling_the_honeypot_store_nothing(world):
    response = report(website="http://spam.example")
    assert response.status_code == 200 and response.context["receipt"] is None
    assert not RiskInformation.objects.exists()


def test_urgent_public_report_notifies_the_bureau_and_the_warning_office(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(urgent="on")
    recipients = set(Notification.objects.filter(kind="intake.urgent").values_list("organisation__code", flat=True))
    assert recipients == {"xian-customs", "gacc-warning-office"}


def test_public_form_is_in_english_too(world):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/report/"})
    page = client.get("/report/").content.decode()
    assert "Report a product safety risk" in page and "举报产品质量安全风险" not in page


ENTERPRISE_REPORT = {
    "title": "出口电热水壶温控器批次缺陷",
    "description": "内部抽检发现 2026-09 批次温控器可能失效，导致干烧。",
    "control_measures": "已暂停该批次出货，通知境外进口商下架，安排召回。",
    "product_name": "电热水壶",
    "batch": "2026-09",
    "hs_code": "851671",
    "trade_direction": "export",
    "hazard_types": ["physical"],
    "urgency": "urgent",
}


def test_enterprise_reports_a_risk_with_its_control_measures(world, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bureau_user = world.user("xian")
    bureau_user.email = "xian@example.cn"
    bureau_user.save()
    client = world.client_for("enterprise_user")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprise/reports/new/", ENTERPRISE_REPORT)
    assert response.status_code == 302
    info = RiskInformation.objects.get()
    assert info.source_type == "enterprise_report" and info.channel == "enterprise_portal"
    assert info.reporter_organisation == world.org("ent-xian-trading") and info.organisation == world.org(
        "xianyang-customs"
    )
    assert info.control_measures.startswith("已暂停该批次出货")
    note = Notification.objects.get(kind="intake.urgent")
    assert note.organisation == world.org("xian-customs"), "the urgent path notifies the supervising bureau at once"
    assert mail.outbox and mail.outbox[0].to == ["xian@example.cn"]
    listing = client.get("/enterprise/reports/").content.decode()
    assert "出口电热水壶温控器批次缺陷" in listing
    # The bureau sees it in its queue; the enterprise cannot browse intake.
    assert world.client_for("bureau_officer").get(f"/intake/{info.pk}/").status_code == 200
    assert client.get(f"/intake/{info.pk}/").status_code == 403


def test_an_enterprise_sees_only_its_own_reports(world):
    from riskgate.intake import channels
    from tests.accounts.factories import UserFactory

    other = UserFactory(
        username="other-ent", organisation=world.org("ent-baoji-toys"), role=world.user("enterprise").role
    )
    channels.submit_enterprise_report(other, data={**ENTERPRISE_REPORT, "hs_code": None, "title": "宝鸡玩具的报告"})
    listing = world.client_for("enterprise_user").get("/enterprise/reports/").content.decode()
    assert "宝鸡玩具的报告" not in listing


def test_non_enterprise_accounts_cannot_submit_enterprise_reports(world):
    response = world.client_for("system_admin").post("/enterprise/reports/new/", ENTERPRISE_REPORT)
    assert response.status_code == 403 and not RiskInformation.objects.exists()


def test_old_rate_limit_records_are_purged(world):
    import datetime as dt
    import io

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    from riskgate.core.models import RateEvent

    with time_machine.travel(timezone.now() - dt.timedelta(days=2), tick=False):
        report(ip="10.5.5.5")
    report(ip="10.5.5.6")
    out = io.StringIO()
    call_command("purge_rate_events", stdout=out)
    assert "Deleted 1 old rate-limit records." in out.getvalue() and RateEvent.objects.count() == 1


def test_the_report_form_in_steps_marks_required_fields_and_sums_up_errors(world):
    """Issue 26 item 7: the form in four steps with the required fields marked, one error summary at the top."""
    from riskgate.intake.forms import PublicReportForm

    form = PublicReportForm()
    stepped = [field.name for step in form.steps() for field in step["fields"]]
    assert sorted(stepped) == sorted(name for name in form.fields if name != "website"), "every field has its step"
    page = Client().get("/report/").content.decode()
    assert page.count('<fieldset class="step">') == 4 and "第 1 步（共 4 步）" in page
    assert page.count('class="required"') == sum(
        1 for f in form.fields.values() if f.required and f is not form.fields["website"]
    )
    refused = report(ip="10.1.1.9", title="")
    body = refused.content.decode()
    assert refused.status_code == 400 and 'class="error-summary"' in body and 'href="#id_title"' in body


def test_the_receipt_leads_to_the_status_page_which_says_what_happens_next(world):
    response = report(ip="10.1.1.10")
    receipt = receipt_of(response)
    thanks = response.content.decode()
    assert f'href="/report/status/?number={receipt.number}"' in thanks and 'data-copy="receipt-secret"' in thanks
    assert receipt.secret not in thanks.split("href=")[-1], "the code is never put in a link"
    prefilled = Client().get(f"/report/status/?number={receipt.number}").content.decode()
    assert f'value="{receipt.number}"' in prefilled
    status = (
        Client()
        .post("/report/status/", {"number": receipt.number, "secret": receipt.secret}, REMOTE_ADDR="10.1.1.11")
        .content.decode()
    )
    info = RiskInformation.objects.get(receipt=receipt.number)
    assert "受理机构将开始核实" in status and "前完成这一步" in status
    from riskgate.intake import services

    services.transition(world.user("xian"), info, to_status="rejected", reason="非进出口商品")
    closed = (
        Client()
        .post("/report/status/", {"number": receipt.number, "secret": receipt.secret}, REMOTE_ADDR="10.1.1.12")
        .content.decode()
    )
    assert "未予采纳" in closed and "前完成这一步" not in closed
