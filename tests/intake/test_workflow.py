"""Entry, verification and upward reporting (Art.11–13), urgent escalation, reporters' data protection."""

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from riskgate.core.models import AuditEvent, Notification
from riskgate.intake import services
from riskgate.intake.models import RiskInformation, StatusChange
from tests.core.exporting import exported

HOTLINE = {
    "source_type": "consumer_complaint",
    "channel": "hotline",
    "hotline": "12315",
    "urgency": "normal",
    "title": "电暖器外壳过热烫伤儿童",
    "description": "12315 转来：使用半小时外壳超过 80°C。",
    "product_name": "电暖器",
    "brand": "暖冬",
    "model": "NQ-2000",
    "trade_direction": "import",
    "origin_countries": "DE, CN",
    "hazard_types": ["physical"],
    "injured": "1",
    "dead": "0",
    "reporter_kind": "person",
    "reporter_name": "王小明",
    "reporter_phone": "13800138000",
    "reporter_email": "wxm@example.cn",
    "hs_code": "8516",
}


def enter(client, **overrides):
    return client.post("/intake/new/", {**HOTLINE, **overrides})


def test_officer_records_a_hotline_call(world):
    response = enter(world.client_for("bureau_officer"))
    assert response.status_code == 302
    info = RiskInformation.objects.get(title=HOTLINE["title"])
    assert info.organisation == world.org("xian-customs") and info.origin_countries == ["DE", "CN"]
    assert info.hs_code_id == "8516" and info.status == "received" and info.created_by == world.user("xian")
    assert info.status_changes.get().to_status == "received"
    event = AuditEvent.objects.get(action="intake.created", object_id=str(info.pk))
    assert event.changes["title"] == [None, HOTLINE["title"]]
    assert "王小明" not in json.dumps(event.changes, ensure_ascii=False), "personal data stays out of the audit trail"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("hs_code", "0100", "不在 HS 2022 目录中"),
        ("origin_countries", "DE, ZZ", "未知的国家或地区代码"),
        ("gtin", "6901234567891", "校验位"),
    ],
)
def test_bad_entry_is_refused_and_nothing_stored(world, field, value, message):
    response = enter(world.client_for("bureau_officer"), **{field: value})
    assert response.status_code == 400 and message.encode() in response.content
    assert not RiskInformation.objects.exists()


def test_valid_gtin_is_accepted(world):
    assert enter(world.client_for("bureau_officer"), gtin="6901234567892").status_code == 302


def test_urgent_information_notifies_the_warning_office_at_once(world, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office_user = world.user("warning")
    office_user.email = "warning@example.cn"
    office_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        enter(world.client_for("bureau_officer"), urgency="urgent")
    note = Notification.objects.get(kind="intake.urgent")
    assert note.organisation == world.org("gacc-warning-office") and HOTLINE["title"] in note.title
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["warning@example.cn"]
    home = world.client_for("warning_officer").get("/").content.decode()
    assert HOTLINE["title"] in home, "the warning office sees it on its home page"
    # Sending twice (a retried task) does not notify twice.
    info = RiskInformation.objects.get()
    assert services.notify_about(info.pk, note.organisation_id, "intake.urgent", "again") is False


def test_verification_and_upward_reporting(world, django_capture_on_commit_callbacks):
    enter(world.client_for("bureau_officer"))
    info = RiskInformation.objects.get()
    xian = world.user("xian")
    services.transition(xian, info, to_status="under_verification")
    services.transition(xian, info, to_status="verified", reason="现场抽样确认外壳温度超标")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(xian, info, to_status="reported")
    info.refresh_from_db()
    assert info.status == "reported"
    assert [c.to_status for c in info.status_changes.all()] == [
        "received",
        "under_verification",
        "verified",
        "reported",
    ]
    assert Notification.objects.filter(kind="intake.reported", organisation=world.org("gacc-warning-office")).exists()
    assert world.client_for("warning_officer").get(f"/intake/{info.pk}/").status_code == 200


def test_workflow_refuses_skips_and_requires_reasons(world):
    enter(world.client_for("bureau_officer"))
    info = RiskInformation.objects.get()
    xian = world.user("xian")
    with pytest.raises(ValidationError, match="不能从"):
        services.transition(xian, info, to_status="reported")
    with pytest.raises(ValidationError, match="请填写理由"):
        services.transition(xian, info, to_status="rejected")
    services.transition(xian, info, to_status="rejected", reason="重复投诉，已另案处理")
    with pytest.raises(ValidationError):
        services.transition(xian, info, to_status="under_verification")


def test_duplicate_report_is_merged_into_the_original(world):
    client = world.client_for("bureau_officer")
    enter(client)
    enter(client, title="同一电暖器第二次投诉")
    original, duplicate = RiskInformation.objects.order_by("pk")
    response = client.post(
        f"/intake/{duplicate.pk}/transition/",
        {"to_status": "merged", "reason": "同一产品", "merged_into": original.reference},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == "merged"
    assert duplicate.status_changes.last().merged_into == original
    page = client.get(f"/intake/{duplicate.pk}/").content.decode()
    assert original.reference in page


def test_another_bureau_can_neither_see_nor_process(world):
    enter(world.client_for("bureau_officer"))
    info = RiskInformation.objects.get()
    harbin = world.client_for("harbin")
    assert harbin.get(f"/intake/{info.pk}/").status_code == 404
    assert harbin.post(f"/intake/{info.pk}/transition/", {"to_status": "under_verification"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.transition(world.user("harbin"), info, to_status="under_verification")
    assert StatusChange.objects.count() == 1


def raw_reporter_columns(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone, reporter_email FROM intake_riskinformation WHERE id = %s", [pk]
        )
        return " ".join(cursor.fetchone())


def test_reporter_data_are_encrypted_at_rest_and_hidden_from_roles_without_permission(world):
    enter(world.client_for("bureau_officer"))
    info = RiskInformation.objects.get()
    raw = raw_reporter_columns(info.pk)
    for secret in ("王小明", "13800138000", "wxm@example.cn"):
        assert secret not in raw, "plaintext in the database"
    bureau_page = world.client_for("bureau_officer").get(f"/intake/{info.pk}/").content.decode()
    # Issue 24 item 4: no initial, length or e-mail domain either.
    for fragment in ("王", "138", "example.cn", "***", "**"):
        assert fragment not in bureau_page.split('id="h-reporter"')[1].split("</section>")[0], fragment
    assert "报告人信息仅向本辖区有权限的人员显示" in bureau_page
    office_page = world.client_for("warning_officer").get(f"/intake/{info.pk}/").content.decode()
    assert "王小明" in office_page and "13800138000" in office_page
    for client in (world.client_for("bureau_officer"), world.client_for("warning_officer")):
        api = client.get(f"/api/v1/intake/information/{info.pk}").content.decode()
        listing = client.get("/api/v1/intake/information").content.decode()
        export = exported(client, "intake.information").decode()
        for body in (api, listing, export):
            assert "王小明" not in body and "13800138000" not in body and "wxm@example.cn" not in body


def test_exports_hold_the_filtered_items_in_scope(world):
    client = world.client_for("bureau_officer")
    enter(client)
    enter(
        client,
        title="进口奶粉标签不规范",
        hazard_types=["other"],
        product_name="奶粉",
        brand="",
        model="",
        description="",
    )
    csv_text = exported(client, "intake.information", query={"q": "电暖器"}).decode("utf-8")
    lines = csv_text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("编号,信息来源") and len(lines) == 2 and HOTLINE["title"] in lines[1]
    from io import BytesIO

    from openpyxl import load_workbook

    xlsx = exported(client, "intake.information", "xlsx")
    rows = list(load_workbook(BytesIO(xlsx)).active.values)
    assert rows[0][0] == "编号" and len(rows) == 3
    harbin_csv = exported(world.client_for("harbin"), "intake.information").decode()
    assert HOTLINE["title"] not in harbin_csv
    assert AuditEvent.objects.filter(action="intake.exported", actor=world.user("xian")).count() == 2


def test_partner_system_submits_through_the_api_with_a_token(world):
    from riskgate.accounts import services as accounts

    issued = accounts.issue_token(
        world.user("admin"),
        name="陕西市监 12315 平台",
        organisation=world.org("xian-customs"),
        permissions=["intake:information:create", "intake:information:view"],
        expires_at=None,
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    payload = {
        "source_type": "consumer_complaint",
        "title": "投诉：儿童滑板车折叠处夹手",
        "hazard_types": ["physical"],
        "external_id": "12315-2026-000123",
        "origin_countries": ["cn"],
        "hs_code": "9503",
    }
    first = world.client_for("anonymous").post(
        "/api/v1/intake/information", payload, content_type="application/json", **headers
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert (
        body["channel"] == "partner_api"
        and body["origin_countries"] == ["CN"]
        and body["organisation_id"] == world.org("xian-customs").pk
    )
    again = world.client_for("anonymous").post(
        "/api/v1/intake/information", payload, content_type="application/json", **headers
    )
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "external_id"
    bad = world.client_for("anonymous").post(
        "/api/v1/intake/information",
        {**payload, "external_id": "x2", "hazard_types": ["radioactive"]},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and RiskInformation.objects.count() == 1
