"""Issue 24 items 8 and 10: a file whose quote is left open, a deeply nested JSON, a huge cell — each refused as a
whole at every entry point with one clear line naming the line, and nothing stored."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from riskgate.intake.importers import RowError, read_file
from riskgate.intake.models import ImportJob, RiskInformation

ROOT = Path(__file__).resolve().parents[2]
OPEN_QUOTE = (
    "external_id,title,hazard_types\n"
    "Q-1,进口电热毯过热,physical\n"
    'Q-2,"儿童口水巾荧光剂超标,chemical\n'
    "Q-3,婴儿推车折叠夹手,physical\n"
)


@pytest.mark.parametrize(
    "text",
    [OPEN_QUOTE, OPEN_QUOTE + 'Q-4,"后来又闭合",physical\n', OPEN_QUOTE.replace("physical\n", "physical,\n", 1)],
)
def test_an_open_quote_is_refused_with_its_line(tmp_path, text):
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RowError, match="第 3 行"):
        list(read_file(path))


def test_a_cell_with_line_breaks_is_still_read(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('external_id,title,hazard_types\nM-1,"第一行\n第二行, 仍是标题",physical\nM-2,ok,physical\n')
    assert [(line, row["external_id"]) for line, row in read_file(path)] == [(2, "M-1"), (4, "M-2")]


def test_the_ui_job_refuses_the_file_and_stores_nothing(world, django_capture_on_commit_callbacks):
    client = world.client_for("warning_officer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/intake/imports/",
            {
                "source": "partner",
                "organisation": world.org("gacc-warning-office").pk,
                "file": SimpleUploadedFile("p.csv", OPEN_QUOTE.encode()),
            },
        )
    job = ImportJob.objects.get()
    assert job.status == "failed" and "第 3 行" in job.error and "引号" in job.error
    assert not RiskInformation.objects.exists()
    page = client.get(f"/intake/imports/{job.pk}/").content.decode()
    assert "第 3 行" in page


def test_the_command_refuses_the_file_with_status_2_and_stores_nothing(world, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(OPEN_QUOTE, encoding="utf-8")
    with pytest.raises(CommandError, match=r"p\.csv: 第 3 行") as refused:
        call_command("import_risk_information", str(path), source="partner", no_progress=True, stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert not RiskInformation.objects.exists()


def test_the_batch_api_refuses_an_open_quote_naming_its_line_and_stores_nothing(world):
    body = "\n".join(
        [
            '{"items": [',
            '{"external_id": "B-1", "title": "好", "hazard_types": "physical"},',
            '{"external_id": "B-2", "title": "坏, "hazard_types": "physical"},',
            '{"external_id": "B-3", "title": "好", "hazard_types": "physical"}',
            "]}",
        ]
    )
    response = world.client_for("bureau_officer").post("/api/v1/intake/batches", body, content_type="application/json")
    assert response.status_code == 400 and "第 3 行" in response.json()["message"]
    assert not RiskInformation.objects.exists()


@pytest.fixture(scope="module")
def fresh_shell(tmp_path_factory, migrated_sqlite):
    """A migrated database of its own with a warning office, and the environment a shell would have."""
    database = migrated_sqlite(tmp_path_factory.mktemp("cli") / "db.sqlite3")
    env = {**os.environ, "RISKGATE_DEV": "1", "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return [sys.executable, str(ROOT / "manage.py")], env


@pytest.mark.db_independent  # its own SQLite file, in a shell: run once, with the SQLite suite
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "嵌套"),
        ("huge.csv", "external_id,title,hazard_types\nH-1," + "长" * 10_000_000 + ",physical\n", "第 2 行"),
    ],
)
def test_the_command_line_gives_one_clear_line_and_status_2(tmp_path, fresh_shell, name, content, expected):
    """In a fresh shell, as an operator runs it: one line on stderr, no traceback, exit status 2."""
    manage, env = fresh_shell
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    run = subprocess.run(
        [*manage, "import_risk_information", str(path), "--source", "partner", "--no-progress"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr[-2000:]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr and expected in lines[0] and name in lines[0], lines


def test_future_and_ancient_dates_are_refused_with_a_clear_error(world, tmp_path):
    """Issue 24 item 11."""
    client = world.client_for("bureau_officer")
    for date in ("2999-01-01", "1900-01-01"):
        response = client.post(
            "/api/v1/intake/information",
            {"source_type": "media", "title": "日期", "hazard_types": ["physical"], "occurred_on": date},
            content_type="application/json",
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "occurred_on"
        assert date in response.json()["errors"][0]["message"]
    path = tmp_path / "p.csv"
    path.write_text(
        "external_id,title,hazard_types,notified_on\nD-1,好,physical,2026-11-30\nD-2,坏,physical,2999-01-01\n"
    )
    out = io.StringIO()
    call_command("import_risk_information", str(path), source="partner", no_progress=True, stdout=out)
    assert "created 1" in out.getvalue() and "rejected line 3: 日期 2999-01-01 不在合理范围内" in out.getvalue()
    assert list(RiskInformation.objects.values_list("external_id", flat=True)) == ["D-1"]


def test_national_ten_digit_codes_are_accepted_and_grouped_by_their_subheading(world, tmp_path):
    """Issue 24 item 17: 10 digits (13 with the CIQ digits) in every entry point; grouped by the first six."""
    path = tmp_path / "p.csv"
    path.write_text(
        "external_id,title,hazard_types,hs_code\n"
        "H-10,十位编码,physical,8507600010\n"
        "H-13,带检验检疫附加码,physical,8507600010999\n"
        "H-6,六位,physical,850760\n"
        "H-7,七位,physical,8507600\n"
    )
    out = io.StringIO()
    call_command("import_risk_information", str(path), source="partner", no_progress=True, stdout=out)
    stored = dict(RiskInformation.objects.values_list("external_id", "declared_hs_code"))
    assert stored == {"H-10": "8507600010", "H-13": "8507600010999", "H-6": ""}
    assert set(RiskInformation.objects.values_list("hs_code_id", flat=True)) == {"850760"}
    assert "rejected line 5" in out.getvalue()
    response = world.client_for("bureau_officer").post(
        "/api/v1/intake/information",
        {"source_type": "media", "title": "接口十位", "hazard_types": ["physical"], "hs_code": "8507600010"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["hs_code"], response.json()["declared_hs_code"]) == ("850760", "8507600010")


# ----- issue 24 item 9: bounded imports ------------------------------------------------------------------------


def test_a_file_over_the_row_or_cell_cap_is_refused_whole(world, tmp_path, settings):
    path = tmp_path / "p.csv"
    path.write_text("external_id,title,hazard_types\n" + "".join(f"R-{n},标题{n},physical\n" for n in range(10)))
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(CommandError, match="IMPORT_MAX_ROWS") as refused:
        call_command("import_risk_information", str(path), source="partner", no_progress=True, stdout=io.StringIO())
    assert refused.value.returncode == 2 and "第 7 行" in str(refused.value)
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_CELLS = 100, 20
    with pytest.raises(CommandError, match="IMPORT_MAX_CELLS"):
        call_command("import_risk_information", str(path), source="partner", no_progress=True, stdout=io.StringIO())
    assert not RiskInformation.objects.exists()


def test_an_xlsx_that_expands_past_the_cap_is_refused_before_it_is_read(world, tmp_path, settings, monkeypatch):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("p")
    sheet.append(["external_id", "title", "hazard_types"])
    for n in range(3000):
        sheet.append([f"X-{n}", "同一个很长的标题" * 20, "physical"])
    path = tmp_path / "bomb.xlsx"
    workbook.save(path)
    assert path.stat().st_size < 200_000
    settings.IMPORT_MAX_EXPANDED_BYTES = 1_000_000
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the workbook was opened"))
    with pytest.raises(RowError, match="IMPORT_MAX_EXPANDED_BYTES"):
        list(read_file(path))


def test_the_stored_report_keeps_a_sample_and_offers_every_rejection(
    world, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_REPORT_SAMPLE = 10
    rows = "".join(f"B-{n},坏行{n},radioactive\n" for n in range(30)) + "G-1,好行,physical\n"
    client = world.client_for("warning_officer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/intake/imports/",
            {
                "source": "partner",
                "organisation": world.org("gacc-warning-office").pk,
                "file": SimpleUploadedFile("p.csv", ("external_id,title,hazard_types\n" + rows).encode()),
            },
        )
    job = ImportJob.objects.get()
    assert job.status == "done" and job.report["rejected_count"] == 30 and len(job.report["rejected"]) == 10
    page = client.get(f"/intake/imports/{job.pk}/").content.decode()
    assert "<dd>30</dd>" in page and f"/intake/imports/{job.pk}/rejections.csv" in page
    download = client.get(f"/intake/imports/{job.pk}/rejections.csv")
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert download.status_code == 200 and lines[0] == "line,kind,reason" and len(lines) == 31
    assert world.client_for("bureau_officer").get(f"/intake/imports/{job.pk}/rejections.csv").status_code == 403
