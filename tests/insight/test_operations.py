"""The charts of the work after intake (issue 29.1): stage times against their limits, port control by port and by
rule, monitoring signals, recall effectiveness — each figure drills into exactly the records it counts, for every
reader who sees the chart, and each reader sees its own jurisdiction's figures only."""

import datetime as dt

import pytest
import time_machine

from riskgate.insight import operations, queries
from riskgate.insight.tables import Period

pytestmark = pytest.mark.django_db
ZONE = dt.timezone(dt.timedelta(hours=8))
MARCH = dt.datetime(2026, 3, 4, 10, tzinfo=ZONE)
Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
KEYS = {chart.key for chart in operations.CHARTS}


@pytest.fixture
def worked(world, settings, tmp_path):
    """In March 2026: the demo's warnings, port control, measures and recalls; a full chain of one risk (verified,
    assessed, confirmed, published) that is lifted ten days later; a monitoring signal."""
    from riskgate.monitoring import services as monitoring
    from riskgate.response.demo import load_demo_measures, load_demo_recalls
    from riskgate.targeting.demo import load_demo_port_control
    from riskgate.warnings import services as warnings
    from riskgate.warnings.demo import load_demo_warnings
    from tests.monitoring.factories import SPIKE, history, profile
    from tests.warnings.factories import published

    settings.MEDIA_ROOT = tmp_path / "files"
    with time_machine.travel(MARCH):
        load_demo_warnings()
        load_demo_port_control()
        load_demo_measures()
        load_demo_recalls()
        notice, approver = published(world)
        history(world)
        monitoring.detect(profile(world), [SPIKE])
    with time_machine.travel(MARCH + dt.timedelta(days=10)):
        warnings.lift(approver, notice, reason="风险已消除")
    return notice


def _check(user, chart, period):
    """Every figure with a drill-down equals the number of records it opens; returns the drill values seen."""
    table = chart.read(user, period)
    seen = set()
    for row, drill in zip(table.rows, table.drill, strict=True):
        for key in {k for k in drill if k is not None}:
            counted = [v for v, k in zip(row, drill, strict=True) if k == key and isinstance(v, int)]
            found = chart.records(user, period, key).count()
            if chart.key == "recalls":  # a recall's rate opens that recall
                counted = [1]
            assert counted, (chart.key, row, key)
            assert all(found == c for c in counted), (user.username, chart.key, row, key, found)
            seen.add(key)
    return table, seen


def test_every_figure_drills_into_exactly_the_records_it_counts(world, worked):
    with time_machine.travel(MARCH + dt.timedelta(days=20)):
        for username in ("warning", "xian", "port", "point"):
            user = world.user(username)
            for chart in queries.charts_for(user):
                if chart.key in KEYS:
                    _check(user, chart, Q1)
        office = world.user("warning")
        shown = {c.key for c in queries.charts_for(office)}
        assert shown >= KEYS
        for key in KEYS:
            _table, seen = _check(office, queries.CHARTS[key], Q1)
            assert seen, f"{key} has figures to drill into"


def test_stage_times_follow_the_chain_and_count_the_lifting(world, worked):
    with time_machine.travel(MARCH + dt.timedelta(days=20)):
        table, _seen = _check(world.user("warning"), queries.CHARTS["stages"], Q1)
    rows = {row[0]: row for row in table.rows}
    assert rows["核实（接收→核实）"][1:4] == [1, 0, 1], "the chain's item, verified on time"
    assert rows["发布（确认→发布预警）"][1:4] == [1, 0, 1]
    lifted = rows["解除（发布→解除）"]
    assert lifted[1:3] == ["", ""], "no limit"
    with time_machine.travel(MARCH + dt.timedelta(days=20)):
        hours, _late, _limited = operations._lifted(world.user("warning"), Q1)
    chain = next(pk for pk in hours if queries.CHARTS["stages"].records(world.user("warning"), Q1, "lift:all")
                 .filter(pk=pk, lineage_id=worked.lineage_id).exists())  # fmt: skip
    assert round(hours[chain]) == 240, "ten days from the publication to the lifting"


def test_a_port_reads_its_own_port_and_other_readers_none_of_these(world, worked):
    with time_machine.travel(MARCH + dt.timedelta(days=20)):
        port = world.user("port")
        ports = queries.CHARTS["ports"].read(port, Q1)
        office = queries.CHARTS["ports"].read(world.user("warning"), Q1)
        assert {r[0] for r in ports.rows} < {r[0] for r in office.rows}
        assert {r[0] for r in ports.rows} == {"西安咸阳国际机场口岸"}
        for username in ("enterprise", "partner", "expert"):
            assert not KEYS & {c.key for c in queries.charts_for(world.user(username))} - {"recalls"}, username
        with pytest.raises(ValueError):
            operations._stages_records(world.user("enterprise"), Q1, "verify:all")
        for bad in ("port:x:bad", "rule:1:nothing", "verify:soon", "9" * 40):
            for chart in ("ports", "stages", "recalls"):
                with pytest.raises(ValueError):
                    queries.CHARTS[chart].records(world.user("warning"), Q1, bad)
