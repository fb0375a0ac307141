"""Partner agencies and the single window: the documented format as CSV, XLSX, JSON and through the API."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from riskgate.accounts import services as accounts
from riskgate.intake.importers import run_import
from riskgate.intake.models import RiskInformation, SourceType

ROWS = [
    {
        "external_id": "SAMR-2026-001",
        "source_type": "consumer_complaint",
        "title": "电动自行车电池起火",
        "product_name": "电动自行车电池",
        "hs_code": "8507.60",
        "origin_countries": "CN",
        "hazard_types": "physical;chemical",
        "injured": "2",
        "fire": "true",
        "occurred_on": "2026-10-03",
        "urgency": "urgent",
    },
    {
        "external_id": "SAMR-2026-002",
        "source_type": "test_institution",
        "title": "儿童服装绳带超长",
        "product_name": "儿童卫衣",
        "hazard_types": "physical",
        "trade_direction": "import",
        "origin_countries": "BD;VN",
    },
]
BAD = {"external_id": "SAMR-2026-003", "title": "坏行", "hazard_types": "radioactive"}


def write_csv(path, rows, encoding="utf-8-sig"):
    columns = sorted({k for r in rows for k in r})
    lines = [",".join(columns)] + [",".join(r.get(c, "") for c in columns) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    columns = sorted({k for r in rows for k in r})
    sheet.append(columns)
    for r in rows:
        sheet.append([int(r[c]) if c in ("injured",) and c in r else r.get(c) for c in columns])
    workbook.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "gbk-csv", "xlsx", "json"])
def test_a_partner_file_imports_in_every_format_and_again_without_change(world, tmp_path, kind):
    org = world.org("sn-market-regulation")
    rows = [*ROWS, BAD]
    if kind == "csv":
        path = write_csv(tmp_path / "p.csv", rows)
    elif kind == "gbk-csv":
        path = write_csv(tmp_path / "p.csv", rows, encoding="gbk")
    elif kind == "xlsx":
        path = write_xlsx(tmp_path / "p.xlsx", rows)
    else:
        path = tmp_path / "p.json"
        path.write_text(json.dumps({"items": rows}, ensure_ascii=False), encoding="utf-8")
    report = run_import("partner", path, organisation=org)
    assert (report.created, len(report.rejected)) == (2, 1), str(report)
    assert "hazard_types" in report.rejected[0].reason
    battery = RiskInformation.objects.get(external_id="SAMR-2026-001")
    assert battery.external_system == "PARTNER:sn-market-regulation" and battery.channel == "bulk_import"
    assert battery.hs_code_id == "850760" and battery.hazard_types == ["physical", "chemical"] and battery.fire
    assert battery.injured == 2 and str(battery.occurred_on) == "2026-10-03" and battery.urgency == "urgent"
    assert battery.organisation == org
    again = run_import("partner", path, organisation=org)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_unknown_columns_and_bad_values_are_reported_per_row(world):
    rows = [
        (2, {"external_id": "a", "title": "x", "hazard_types": "physical", "colour": "red"}),
        (3, {"external_id": "b", "title": "x", "hazard_types": "physical", "origin_countries": "ZZ"}),
        (4, {"external_id": "c", "title": "x", "hazard_types": "physical", "gtin": "6901234567891"}),
        (5, {"external_id": "d", "title": "x", "hazard_types": "physical", "hs_code": "0100"}),
        (6, {"external_id": "e", "title": "x", "hazard_types": "physical", "injured": "-1"}),
        (7, {"external_id": "f", "title": "x", "hazard_types": "physical", "occurred_on": "03/10/2026"}),
        (8, {"external_id": "g", "title": "x", "hazard_types": "physical", "source_type": "rumour"}),
        (9, {"title": "no reference", "hazard_types": "physical"}),
    ]
    report = run_import("partner", "x", organisation=world.org("sn-market-regulation"), rows=rows)
    assert [r.line for r in report.rejected] == [2, 3, 4, 5, 6, 7, 8, 9] and report.created == 0
    reasons = " | ".join(r.reason for r in report.rejected)
    for fragment in ("未知的列：colour", "ZZ", "校验位", "0100", "injured", "日期", "source_type", "external_id"):
        assert fragment in reasons


def test_import_command_for_partner_files(world, tmp_path):
    path = write_csv(tmp_path / "p.csv", ROWS)
    out = io.StringIO()
    call_command(
        "import_risk_information",
        str(path),
        source="partner",
        organisation="sn-market-regulation",
        no_progress=True,
        stdout=out,
    )
    assert "created 2" in out.getvalue()
    with pytest.raises(CommandError, match="needs a FILE"):
        call_command("import_risk_information", source="partner", no_progress=True, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No organisation"):
        call_command(
            "import_risk_information", str(path), source="partner", organisation="nobody", stdout=io.StringIO()
        )


def test_partner_system_sends_batches_through_the_api(world):
    issued = accounts.issue_token(
        world.user("admin"),
        name="单一窗口",
        organisation=world.org("xian-customs"),
        permissions=["intake:information:create"],
        expires_at=None,
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    body = {"items": [*[{**r, "hazard_types": r["hazard_types"].split(";")} for r in ROWS], BAD]}
    client = world.client_for("anonymous")
    first = client.post("/api/v1/intake/batches", body, content_type="application/json", **headers).json()
    assert (first["created"], first["rejected"][0]["line"]) == (2, 3)
    second = client.post("/api/v1/intake/batches", body, content_type="application/json", **headers).json()
    assert (second["created"], second["unchanged"]) == (0, 2)
    item = RiskInformation.objects.get(external_id="SAMR-2026-001")
    assert item.channel == "partner_api" and item.organisation == world.org("xian-customs")
    too_many = client.post("/api/v1/intake/batches", {"items": []}, content_type="application/json", **headers)
    assert too_many.status_code == 422
    no_permission = accounts.issue_token(
        world.user("admin"), name="只读", organisation=world.org("xian-customs"), permissions=[], expires_at=None
    )
    refused = client.post(
        "/api/v1/intake/batches",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {no_permission.secret}",
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("source_type", SourceType.values)
def test_every_source_type_can_be_submitted_end_to_end(world, source_type):
    client = world.client_for("bureau_officer")
    payload = {"source_type": source_type, "title": f"来源测试 {source_type}", "hazard_types": ["other"]}
    response = client.post("/api/v1/intake/information", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    info = RiskInformation.objects.get(pk=response.json()["id"])
    assert info.source_type == source_type and info.status_changes.count() == 1
    assert client.get(f"/intake/{info.pk}/").status_code == 200
