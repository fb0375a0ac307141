"""Periodic reports (issue 29.3, Art.27): the weekly report of a fixed demo week, as PDF and XLSX, holds the
database's figures; the scheduler makes each period's report once; only the warning office generates and publishes;
the public reads the published ones only."""

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from riskgate.core.models import AuditEvent
from riskgate.insight import reports, services
from riskgate.insight.models import Report
from riskgate.response.models import MeasureOrder, Recall
from riskgate.warnings.models import WarningNotice

pytestmark = pytest.mark.django_db
ZONE = dt.timezone(dt.timedelta(hours=8))
WEDNESDAY = dt.datetime(2026, 3, 4, 10, tzinfo=ZONE)


@pytest.fixture
def demo_week(world, settings, tmp_path):
    """The demo's warnings, measures and recalls, all made on Wednesday 4 March 2026."""
    from riskgate.response.demo import load_demo_measures, load_demo_recalls
    from riskgate.warnings.demo import load_demo_warnings

    settings.MEDIA_ROOT = tmp_path / "files"
    with time_machine.travel(WEDNESDAY):
        load_demo_warnings()
        load_demo_measures()
        load_demo_recalls()


def _in_week(queryset, field):
    low = dt.datetime(2026, 3, 2, tzinfo=ZONE)
    return queryset.filter(**{f"{field}__gte": low, f"{field}__lt": low + dt.timedelta(days=7)})


def test_the_weekly_report_of_a_demo_week_holds_the_databases_figures(world, demo_week):
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=6)):
        report = services.generate("weekly", dt.date(2026, 3, 4), world.user("warning"))
    assert (report.starts_on, report.ends_on) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    warnings = _in_week(WarningNotice.objects.filter(public=True), "published_at")
    recalls = _in_week(Recall.objects.filter(public=True), "published_at")
    measures = _in_week(MeasureOrder.objects.all(), "ordered_at")
    assert warnings.exists() and recalls.exists() and measures.exists(), "the demo week has something of each"
    expected_totals = [warnings.count(), recalls.count(), measures.count()]
    assert [r[1] for r in report.tables["totals"]["rows"]] == expected_totals
    by_level = {row[0]: row[1] for row in report.tables["warnings_by_level"]["rows"]}
    assert by_level == {str(label): warnings.filter(level=value).count() for value, label in
                        WarningNotice._meta.get_field("level").choices}  # fmt: skip
    listed = [row[0] for row in report.tables["warnings"]["rows"]]
    assert sorted(listed) == sorted(w.reference for w in warnings)
    assert sum(r[1] for r in report.tables["recalls_by_kind"]["rows"]) == recalls.count()
    assert sum(r[1] for r in report.tables["measures_by_kind"]["rows"]) == measures.count()

    workbook = load_workbook(io.BytesIO(report.xlsx.read()))
    for table in report.tables.values():
        sheet = workbook[table["title"][:31]]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert values[0] == table["columns"]
        assert [[("" if v is None else v) for v in r] for r in values[1:]] == table["rows"]
    assert workbook["概况"]["B2"].value == warnings.count()

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    compact = "".join(text.split())  # a table cell may break a reference over two lines
    assert "进出口商品质量安全风险预警周报" in compact and "2026-03-02" in compact
    for reference in listed:
        assert reference in compact
    assert f"发布的风险预警（含调整）{warnings.count()}" in compact
    assert AuditEvent.objects.filter(action="report.generated", object_id=str(report.pk)).exists()


def test_only_the_warning_office_generates_and_publishes_and_the_public_reads_what_is_published(world, demo_week):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.generate("weekly", dt.date(2026, 3, 4), world.user("xian"))  # a bureau: not a national report
    office = world.client_for("warning_officer")
    response = office.post("/insight/reports/", {"kind": "weekly", "day": "2026-03-04"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert world.client_for("bureau_officer").post("/insight/reports/", {"kind": "weekly", "day": "2026-03-04"}
                                                   ).status_code == 403  # fmt: skip
    bad = office.post("/insight/reports/", {"kind": "", "day": "2026-13-40"})
    assert bad.status_code == 400
    pdf = f"/reports/{report.pk}.pdf"
    assert Client().get(pdf).status_code == 404, "unpublished: officers only"
    assert world.client_for("bureau_officer").get(pdf).status_code == 200
    assert "data-report" not in Client().get("/reports/").content.decode()

    assert world.client_for("bureau_officer").post(f"/insight/reports/{report.pk}/publish/").status_code == 403
    report.refresh_from_db()
    assert report.published_at is None
    office.post(f"/insight/reports/{report.pk}/publish/")
    report.refresh_from_db()
    assert report.published_at is not None
    public = Client()
    assert f"weekly-{report.starts_on:%Y%m%d}" in public.get("/reports/").content.decode()
    download = public.get(pdf)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert public.get(f"/reports/{report.pk}.xlsx").status_code == 200
    assert public.get(f"/reports/{report.pk}.exe").status_code == 404
    with pytest.raises(ValidationError, match="已发布"):
        services.generate("weekly", dt.date(2026, 3, 4), world.user("warning"))


def test_the_scheduler_makes_each_periods_report_once(world, demo_week):
    today = dt.date(2026, 4, 6)  # a Monday: last week, March, the first quarter and 2025 have ended
    with time_machine.travel(dt.datetime(2026, 4, 6, 6, tzinfo=ZONE)):
        made = services.generate_due(today)
        assert len(made) == 4 and services.generate_due(today) == []
    assert {(r.kind, r.starts_on, r.ends_on) for r in Report.objects.all()} == {
        ("weekly", dt.date(2026, 3, 30), dt.date(2026, 4, 5)),
        ("monthly", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("quarterly", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("yearly", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    }
    quarter = Report.objects.get(kind="quarterly")
    assert quarter.tables["totals"]["rows"][0][1] == _in_week(WarningNotice.objects.filter(public=True),
                                                               "published_at").count()  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "day", "period"),
    [
        ("weekly", dt.date(2026, 1, 1), (dt.date(2025, 12, 29), dt.date(2026, 1, 4))),
        ("monthly", dt.date(2024, 2, 29), (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("quarterly", dt.date(2026, 12, 31), (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
        ("yearly", dt.date(2026, 6, 15), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    ],
)
def test_report_periods(kind, day, period):
    assert reports.period_of(kind, day) == period
