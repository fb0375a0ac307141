"""Long exports as background jobs with progress and a download link (issue 26, item 4; core.exports)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from riskgate.core import exports
from riskgate.core.exports import ExportKind
from riskgate.core.models import AuditEvent, ExportJob, ExportStatus
from riskgate.core.permissions import Permission
from riskgate.intake import services
from riskgate.intake.models import RiskInformation, Status


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    return tmp_path


def _item(world, title, user="xian"):
    info = services.create_information(
        world.user(user),
        data={"source_type": "consumer_complaint", "channel": "hotline", "title": title, "hazard_types": ["physical"]},
    )
    RiskInformation.objects.filter(pk=info.pk).update(status=Status.VERIFIED)
    return info


def _ask(client, query="", fmt="csv", kind="intake.information"):
    return client.post("/exports/new/", {"kind": kind, "format": fmt, "query": query})


def test_an_officer_exports_the_filtered_list_follows_it_and_downloads_the_file(
    world, django_capture_on_commit_callbacks
):
    for title in ("导出乙 电热水壶", "导出甲 充电宝"):
        _item(world, title)
    _item(world, "导出丙 哈尔滨的", user="harbin")
    client = world.client_for("xian")
    list_page = client.get("/intake/?q=导出&sort=title").content.decode()
    assert 'action="/exports/new/"' in list_page
    assert 'name="query" value="q=%E5%AF%BC%E5%87%BA&amp;sort=title"' in list_page
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs once the request has committed
        response = _ask(client, "q=导出&sort=title&page=2")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert (job.status, job.total, job.done, job.query) == (ExportStatus.DONE, 2, 2, "q=%E5%AF%BC%E5%87%BA&sort=title")
    asked = AuditEvent.objects.get(action="intake.exported", object_id=str(job.pk))
    assert asked.changes["filter"][1] == {"q": "导出", "sort": "title"}
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "已完成" in page and f'href="/exports/{job.pk}/download/"' in page and "hx-trigger" not in page
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment; filename=")
    lines = b"".join(download.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("编号,信息来源") and len(lines) == 3
    assert "导出乙 电热水壶" in lines[1] and "导出甲 充电宝" in lines[2]  # the list's order; Harbin's is not here
    assert AuditEvent.objects.filter(action="export.downloaded", object_id=str(job.pk)).count() == 1
    mine = client.get("/exports/").content.decode()
    assert f'<a href="/exports/{job.pk}/">风险信息</a>' in mine


def test_the_job_page_polls_while_the_job_runs_and_counts_its_progress(world, monkeypatch):
    """The worker records how far it has got as it writes; the page shows it and asks again every second."""
    seen = []

    def rows(principal, query):
        def produce():
            for n in range(5):
                seen.append(ExportJob.objects.get().done)
                yield [n]

        return 5, produce()

    monkeypatch.setitem(
        exports.KINDS,
        "test.numbers",
        ExportKind(
            name="test.numbers",
            label="数字",
            permission=Permission.INTAKE_INFORMATION_EXPORT,
            audit_action="test.exported",
            filename="numbers",
            header=lambda: ["n"],
            rows=rows,
            back="intake:list",
        ),
    )
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    client = world.client_for("xian")
    _ask(client, kind="test.numbers")
    job = ExportJob.objects.get()
    fragment = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'hx-trigger="every 1s"' in fragment and "排队中" in fragment
    assert exports.run(job.pk) == ExportStatus.DONE
    assert seen == [0, 0, 2, 2, 4]  # written every PROGRESS_EVERY rows
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=3, total=5)
    running = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "已导出 3 / 5 条" in running and 'value="60"' in running and 'hx-trigger="every 1s"' in running


def test_a_job_runs_once_however_often_its_message_arrives(world):
    _item(world, "一次导出")
    client = world.client_for("xian")
    _ask(client, "q=一次导出")
    job = ExportJob.objects.get()
    assert exports.run(job.pk) == ExportStatus.DONE
    first = ExportJob.objects.get().file
    assert exports.run(job.pk) == ExportStatus.DONE and ExportJob.objects.get().file == first
    assert len(list(Path(settings.EXPORT_DIR).glob(f"{job.pk}-*"))) == 1
    assert exports.run(999_999) == "missing"


def test_only_the_owner_sees_and_downloads_an_export(world):
    _item(world, "只给本人")
    _ask(world.client_for("xian"), "q=只给本人")
    job = ExportJob.objects.get()
    exports.run(job.pk)
    for role in ("warning_officer", "auditor", "harbin", "enterprise_user"):
        client = world.client_for(role)
        assert client.get(f"/exports/{job.pk}/").status_code == 404, role
        assert client.get(f"/exports/{job.pk}/download/").status_code == 404, role
        assert f"/exports/{job.pk}/" not in client.get("/exports/").content.decode()
    assert world.client_for("anonymous").get(f"/exports/{job.pk}/download/").status_code == 302  # to sign-in
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_an_officer_without_the_export_permission_cannot_ask_for_one(world):
    assert _ask(world.client_for("port_officer")).status_code == 403
    assert _ask(world.client_for("enterprise_user")).status_code == 403
    assert not ExportJob.objects.exists() and not AuditEvent.objects.filter(action="intake.exported").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [("hs_chapter=abc", "HS 章/品目"), ("origin=中国", "原产国")],
)
def test_filters_the_list_refuses_record_no_export_and_say_why(world, query, message):
    client = world.client_for("xian")
    response = _ask(client, query)
    assert response.status_code == 302 and response["Location"].startswith("/intake/?")
    shown = client.get(response["Location"]).content.decode()
    assert message in shown
    assert not ExportJob.objects.exists()


def test_unknown_kinds_and_formats_are_refused_with_a_message(world):
    client = world.client_for("xian")
    assert _ask(client, kind="accounts.passwords").status_code == 302
    assert _ask(client, fmt="pdf").status_code == 302
    assert not ExportJob.objects.exists()
    assert "导出格式只能是 CSV 或 XLSX。" in client.get("/intake/").content.decode()


def test_a_job_whose_owner_lost_the_permission_fails_without_a_file(world):
    _ask(world.client_for("xian"), "")
    job = ExportJob.objects.get()
    owner = world.user("xian")
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert exports.run(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.error == "导出人已没有导出这份清单的权限。" and job.file == ""
    assert not list(Path(settings.EXPORT_DIR).glob(f"{job.pk}-*"))


def test_expired_files_are_deleted_and_a_job_a_dead_worker_left_is_failed(world):
    from django.core.management import call_command

    client = world.client_for("xian")
    _ask(client, "")
    _ask(client, "q=x")
    old, stuck = ExportJob.objects.order_by("pk")
    exports.run(old.pk)
    old.refresh_from_db()
    path = Path(settings.EXPORT_DIR) / old.file
    assert path.is_file()
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    ExportJob.objects.filter(pk=stuck.pk).update(
        status=ExportStatus.RUNNING, created_at=timezone.now() - dt.timedelta(hours=2)
    )
    from io import StringIO

    out = StringIO()
    call_command("purge_exports", stdout=out)
    assert "Deleted 1 expired export files." in out.getvalue()
    assert not path.exists()
    assert ExportJob.objects.get(pk=old.pk).status == ExportStatus.EXPIRED
    assert ExportJob.objects.get(pk=stuck.pk).status == ExportStatus.FAILED
    gone = client.get(f"/exports/{old.pk}/download/")
    assert gone.status_code == 410 and "导出文件不可用" in gone.content.decode()
    assert "文件已过保留期并已删除" in client.get(f"/exports/{old.pk}/").content.decode()


def test_an_export_asked_for_in_english_has_english_columns_and_pages(world):
    _item(world, "English export")
    client = world.client_for("xian")
    client.cookies["django_language"] = "en"
    _ask(client, "q=English export", fmt="xlsx")
    job = ExportJob.objects.get()
    assert job.language == "en"
    exports.run(job.pk)
    from io import BytesIO

    from openpyxl import load_workbook

    data = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    rows = list(load_workbook(BytesIO(data)).active.values)
    assert rows[0][0] == "Number" and rows[0][1] == "Source" and len(rows) == 2
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "Export: Risk information (XLSX)" in page and "Download the file" in page
