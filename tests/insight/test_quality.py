"""The quality-safety level index (R-ASM-6, issue 29.3): each input is measured from its records in the reader's
scope, scored against its documented limit and weighed by the data in `IndexInput`; inputs without data leave the
weighted mean; each input's count drills into the records it is measured from."""

from decimal import Decimal

import pytest
from django.utils import timezone

from riskgate.insight import quality, queries
from riskgate.insight.models import IndexInput
from riskgate.insight.tables import Period
from riskgate.intake import services as intake
from riskgate.monitoring.services import samples
from riskgate.targeting import live
from riskgate.targeting.models import InspectionTask
from riskgate.targeting.services import inspection, screening, supervision

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
THIS_MONTH = Period(TODAY.replace(day=1), TODAY.replace(day=1))
ITEM = {"declaration_id": "2026120100000001", "item_no": 1, "direction": "import", "hs_code": "9503001000",
        "origin_country": "CN", "enterprise_ids": ["6101930001"], "port": "CNXIY", "description": "塑料玩具",
        "value": 300.0, "declared_at": "2026-12-01T09:00:00+08:00"}  # fmt: skip


def _sample(world, number, value):
    data = {"sample_number": number, "product_name": "冻虾", "hs_code": "030617", "origin_country": "VN",
            "sampled_on": TODAY}  # fmt: skip
    results = [{"item": "氯霉素", "value": Decimal(value), "unit": "μg/kg", "limit": Decimal("0.3")}]
    sample, _created = samples.submit(world.user("point"), data=data, results=results)
    samples.approve(world.user("xian"), sample)
    return sample


@pytest.fixture
def measured(world):
    """This month at Xi'an: four random inspections (one non-conforming), two approved samples (one failing), one
    report of two injured and one dead; no serious warning."""
    supervision.change_policy(world.user("warning"), {"random_rate": 1, "min_random_rate": 1}, reason="测试：全部随机")
    live.reset()
    screening.screen(world.user("port"), [{**ITEM, "item_no": n} for n in range(1, 5)], one_declaration=False)
    live.reset()
    tasks = list(InspectionTask.objects.filter(kind="random").order_by("item_no"))
    assert len(tasks) == 4
    inspection.record_outcome(world.user("port"), tasks[0], outcome="non_conforming", findings="小零件脱落")
    for task in tasks[1:]:
        inspection.record_outcome(world.user("port"), task, outcome="conforming")
    failed, _passed = _sample(world, "Q-1", "1.2"), _sample(world, "Q-2", "0.1")
    harm = intake.create_information(
        world.user("xian"),
        data={"source_type": "fire_accident", "channel": "hotline", "title": "电暖器起火", "hazard_types": ["physical"],
              "injured": 2, "dead": 1},
    )  # fmt: skip
    IndexInput.objects.filter(key="random_nonconformity").update(limit=0.5)
    IndexInput.objects.filter(key="sample_failure").update(limit=0.8)
    return {"bad_task": tasks[0], "failed": failed, "harm": harm}


def _rows(table):
    return {row[0]: row for row in table.rows}


def test_the_index_is_the_weighted_mean_of_the_scored_inputs(world, measured):
    table = queries.CHARTS["quality"].read(world.user("warning"), THIS_MONTH)
    rows = _rows(table)
    assert rows["随机布控查验不合格率"][1:] == [50.0, "25.0%", "50%", 35, 1], "1 of 4 against a limit of 50 %"
    assert rows["风险监测样品不合格率"][1:] == [37.5, "50.0%", "80%", 25, 1], "1 of 2 against 80 %"
    assert rows["Ⅰ、Ⅱ级风险预警（每月）"][1:] == [100.0, "0.0", "4", 20, 0]
    assert rows["报告的伤亡（每月，死亡按 10 计）"][1:] == [40.0, "12.0", "20", 20, 1], "2 + 10 × 1 in one month"
    assert rows["质量安全水平指数"][1] == round((35 * 50 + 25 * 37.5 + 20 * 100 + 20 * 40) / 100, 1)
    trend = queries.CHARTS["quality_trend"].read(world.user("warning"), THIS_MONTH)
    assert trend.rows == [[TODAY.strftime("%Y-%m"), rows["质量安全水平指数"][1]]]
    # Another weight is data: the index follows it.
    IndexInput.objects.filter(key="harm").update(weight=0)
    again = _rows(queries.CHARTS["quality"].read(world.user("warning"), THIS_MONTH))
    assert again["质量安全水平指数"][1] == round((35 * 50 + 25 * 37.5 + 20 * 100) / 80, 1)


def test_each_count_drills_into_its_records_and_a_reader_sees_its_own_jurisdiction(world, measured):
    office = world.user("warning")
    table = queries.CHARTS["quality"].read(office, THIS_MONTH)
    for row, drill in zip(table.rows, table.drill, strict=True):
        if drill[-1] is not None:
            assert quality.records(office, THIS_MONTH, drill[-1]).count() == row[-1], row[0]
    assert list(quality.records(office, THIS_MONTH, "random_nonconformity")) == [measured["bad_task"]]
    assert list(quality.records(office, THIS_MONTH, "sample_failure")) == [measured["failed"]]
    assert list(quality.records(office, THIS_MONTH, "harm")) == [measured["harm"]]
    harbin = _rows(queries.CHARTS["quality"].read(world.user("harbin"), THIS_MONTH))
    assert harbin["随机布控查验不合格率"][1:3] == ["", "无数据"] and harbin["质量安全水平指数"][1] == 100.0
    for username in ("enterprise", "partner", "expert", "point"):
        assert "quality" not in [c.key for c in queries.charts_for(world.user(username))], username
        with pytest.raises(ValueError):
            quality.records(world.user(username), THIS_MONTH, "harm")


def test_the_dashboard_shows_the_index_with_its_table_and_csv(world, measured):
    client = world.client_for("warning")
    month = {"since": TODAY.strftime("%Y-%m"), "until": TODAY.strftime("%Y-%m")}
    page = client.get("/insight/", month).text
    assert "质量安全水平指数" in page and "分项得分" in page
    csv = client.get("/insight/quality.csv", month).content.decode("utf-8-sig")
    assert "随机布控查验不合格率,50.0,25.0%,50%,35,1" in csv
    drill = client.get("/insight/quality/records/", {**month, "value": "random_nonconformity"})
    assert drill.status_code == 200 and measured["bad_task"].reference in drill.text
    assert world.client_for("partner").get("/insight/quality.csv", month).status_code == 404


def test_a_report_of_whole_months_holds_the_national_index_and_a_weekly_one_does_not(world, measured):
    from riskgate.insight import reports

    start = TODAY.replace(day=1)
    _start, end = reports.period_of("monthly", TODAY)
    monthly = reports.tables(start, end)["quality_index"]
    office = queries.CHARTS["quality"].read(world.user("warning"), THIS_MONTH)
    assert monthly["rows"] == [row[:-1] for row in office.rows], "the office's scope is the whole country"
    assert monthly["columns"] == office.columns[:-1]
    monday, sunday = reports.period_of("weekly", TODAY)
    assert "quality_index" not in reports.tables(monday, sunday), "a week is no whole month"


def test_a_warning_raised_to_level_one_and_adjusted_again_counts_once(world):
    """Two serious publications of one lineage in the month are one serious warning, and its records are one."""
    from riskgate.warnings import services as warnings
    from tests.warnings.factories import published

    v1, approver = published(world)
    drafter, notice = world.user("warning"), v1
    for data in ({"level": "I"}, {"level": "I", "regions": ["610000"]}):
        draft = warnings.update_draft(
            drafter, warnings.adjust(drafter, notice, reason="伤害报告增多", data={}), data=data
        )
        warnings.submit_for_review(drafter, draft)
        warnings.approve(approver, draft)
        notice = warnings.publish(approver, draft)
    rows = _rows(queries.CHARTS["quality"].read(world.user("warning"), THIS_MONTH))
    assert rows["Ⅰ、Ⅱ级风险预警（每月）"][2:] == ["1.0", "4", 20, 1]
    counted = quality.records(world.user("warning"), THIS_MONTH, "serious_warnings")
    first = 1 if v1.level in ("I", "II") else 2  # the first version at level I or II
    assert [n.version for n in counted] == [first]
