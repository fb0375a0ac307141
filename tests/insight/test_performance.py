"""Performance management (issue 29.2): the league table gives each unit of the reader's jurisdiction the figures
the regulation supervises, every figure drills into exactly the records it counts, and only authorities read it."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from riskgate.enforcement import services as enforcement
from riskgate.insight import performance
from riskgate.insight import services as insight
from riskgate.insight.tables import Period
from riskgate.intake import services as intake

pytestmark = pytest.mark.django_db
ZONE = dt.timezone(dt.timedelta(hours=8))
JANUARY = dt.datetime(2026, 1, 5, 9, tzinfo=ZONE)
Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))


def _item(world, user, title, moves):
    """An item received on 5 January, then moved through `moves` (status, hours after receipt)."""
    with time_machine.travel(JANUARY, tick=False):
        info = intake.create_information(
            world.user(user),
            data={"source_type": "consumer_complaint", "channel": "hotline", "title": title, "hazard_types": []},
        )
    for status, hours in moves:
        with time_machine.travel(JANUARY + dt.timedelta(hours=hours), tick=False):
            intake.transition(world.user(user), info, to_status=status, reason="核实")
    return info


@pytest.fixture
def handled(world):
    """Xi'an: one item started late (80 h > 72 h), one verified late (300 h > 240 h); Harbin: one on time."""
    late_start = _item(world, "xian", "迟办一", [("under_verification", 80)])
    late_verification = _item(world, "xian", "迟办二", [("under_verification", 10), ("verified", 310)])
    on_time = _item(world, "harbin", "按时", [("under_verification", 1)])
    with time_machine.travel(JANUARY, tick=False):
        case = enforcement.open_supervision(
            world.user("warning"),
            {"supervised": world.org("xian-customs"), "title": "假冒配件案", "facts": "货值 300 万元",
             "deadline": dt.date(2026, 2, 10)},
        )  # fmt: skip
    insight.rebuild()  # the received counts are the dashboards' tallies
    return {"late": {late_start, late_verification}, "on_time": on_time, "case": case}


def _rows(table):
    return {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}


def test_each_unit_gets_its_on_time_rate_backlog_and_overdue_supervision(world, handled):
    with time_machine.travel(dt.datetime(2026, 3, 20, tzinfo=ZONE), tick=False):
        table = performance.league(world.user("warning"), Q1)
        rows = _rows(table)
        xian, harbin = rows["西安海关"], rows["哈尔滨海关"]
        assert xian["接收风险信息"] == 2 and harbin["接收风险信息"] == 1
        assert xian["信息处理按时率（%）"] == 33.3, "three limited steps, two late"
        assert harbin["信息处理按时率（%）"] == 100.0
        assert xian["督办逾期"] == 1 and harbin["督办逾期"] == ""
        assert xian["综合得分"] == 33.3 and harbin["综合得分"] == 100.0
        assert table.rows[0][0] == "哈尔滨海关", "best score first"
        unit = world.org("xian-customs").pk
        assert set(performance.records(world.user("warning"), Q1, f"{unit}:intake_late")) == handled["late"]
        assert list(performance.records(world.user("warning"), Q1, f"{unit}:supervision_late")) == [handled["case"]]
        # Harbin's item is under verification since 5 January: past its 240 h now, so it is Harbin's backlog.
        assert harbin["当前超时未办"] == 1
        harbin_pk = world.org("harbin-customs").pk
        backlog = performance.records(world.user("warning"), Q1, f"{harbin_pk}:backlog")
        assert list(backlog) == [handled["on_time"]]


def test_the_time_in_a_status_runs_from_the_change_before_even_before_the_period(world):
    """Taken under verification on 30 January (late, in January), verified on 2 February (72 h later, within 240 h):
    February's table counts one change, on time — timed from 30 January, not from receipt on 5 January."""
    _item(world, "xian", "跨月核实", [("under_verification", 25 * 24), ("verified", 28 * 24)])
    february = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 1))
    with time_machine.travel(dt.datetime(2026, 3, 20, tzinfo=ZONE), tick=False):
        rows = _rows(performance.league(world.user("warning"), february))
    assert rows["西安海关"]["信息处理按时率（%）"] == 100.0


def test_a_bureau_reads_only_its_own_units_and_a_province_narrows_them(world, handled):
    with time_machine.travel(dt.datetime(2026, 3, 20, tzinfo=ZONE), tick=False):
        assert set(_rows(performance.league(world.user("xian"), Q1))) == {"西安海关"}
        shaanxi = Period(Q1.since, Q1.until, "61")
        assert set(_rows(performance.league(world.user("warning"), shaanxi))) == {"西安海关"}
        harbin = world.org("harbin-customs").pk
        assert not performance.records(world.user("xian"), Q1, f"{harbin}:received").exists()
        for username in ("enterprise", "expert", "partner", "point"):
            assert not performance.may_read(world.user(username)), username
            assert performance.league(world.user(username), Q1).rows == []
            with pytest.raises(ValueError):
                performance.records(world.user(username), Q1, f"{harbin}:received")


@pytest.fixture
def demo_figures(world, settings, tmp_path):
    """Two full chains (item → assessment → warning), one published on time and one 10 days after confirmation,
    an effect evaluation, and the demo's warnings (without assessments) and measures — all in March 2026."""
    from riskgate.response.demo import load_demo_measures
    from riskgate.warnings import services as warnings
    from riskgate.warnings.demo import load_demo_warnings
    from tests.warnings.factories import CONTENT, confirmed_assessment, published, second_officer

    settings.MEDIA_ROOT = tmp_path / "files"
    march = dt.datetime(2026, 3, 4, 10, tzinfo=ZONE)
    with time_machine.travel(march):
        load_demo_warnings()  # first: the demo loaders add nothing to a database that has warnings
        load_demo_measures()
        notice, _approver = published(world)
        warnings.evaluate(world.user("warning"), notice, measures_done="已落实", new_incidents=0, recommendation="keep")
        late = confirmed_assessment(world)
        draft = warnings.draft_from_assessment(world.user("warning"), late, data=CONTENT)
        warnings.submit_for_review(world.user("warning"), draft)
    with time_machine.travel(march + dt.timedelta(days=10)):
        approver = second_officer(world)
        warnings.approve(approver, draft)
        warnings.publish(approver, draft)
    insight.rebuild()


def test_every_figure_drills_into_exactly_the_records_it_counts(world, demo_figures):
    """Counts equal their records; a rate's records are its late ones, so counted × (100 − rate) / 100 of them."""
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=ZONE), tick=False):
        for username in ("warning", "xian"):
            user = world.user(username)
            table = performance.league(user, Q1)
            assert table.rows, username
            seen = set()
            for row, drill in zip(table.rows, table.drill, strict=True):
                for column, value, key in zip(table.columns, row, drill, strict=True):
                    if key is None:
                        continue
                    seen.add(key.partition(":")[2])
                    found = performance.records(user, Q1, key)
                    if "%" not in column:
                        assert found.count() == value, (username, column, row[0])
                    else:
                        assert (value == 100.0) == (not found.exists()), (username, column, row[0])
            expected = {"received", "assess_late", "publish_late", "measures_late", "evaluations"}
            assert (expected if username == "warning" else {"measures_late"}) <= seen, (username, seen)


def test_the_page_its_csv_and_a_drill_down_in_both_languages(world, handled):
    client = world.client_for("warning")
    query = {"since": "2026-01", "until": "2026-03"}
    with time_machine.travel(dt.datetime(2026, 3, 20, tzinfo=ZONE), tick=False):
        page = client.get("/insight/performance/", query)
        assert page.status_code == 200 and "绩效排行" in page.text and "西安海关" in page.text
        unit = world.org("xian-customs").pk
        assert f"value={unit}%3Aintake_late" in page.text
        rows = list(csv.reader(io.StringIO(client.get("/insight/performance.csv", query).content.decode("utf-8-sig"))))
        table = performance.league(world.user("warning"), Q1)
        assert rows[0] == table.columns
        assert rows[1:] == [[str(v) for v in row] for row in table.rows], "the CSV is the table"
        drill = client.get("/insight/performance/records/", {**query, "value": f"{unit}:intake_late"})
        assert drill.status_code == 200 and all(i.reference in drill.text for i in handled["late"])
        english = world.client_for("warning")
        english.cookies["django_language"] = "en"
        shown = english.get("/insight/performance/", query).text
        assert "League table" in shown and "Xi&#x27;an Customs" in shown
        assert client.get("/insight/performance/", {"since": "9999-12"}).status_code == 400
    for username in ("enterprise", "expert", "partner"):
        other = world.client_for(username)
        assert other.get("/insight/performance/", query).status_code == 403, username
        assert other.get("/insight/performance.csv", query).status_code == 404, username
        assert other.get("/insight/performance/records/", {"value": f"{unit}:received"}).status_code == 404
    assert world.client_for("xian").get("/insight/performance/records/", {"value": "1:nothing"}).status_code == 404
