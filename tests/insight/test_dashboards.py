"""Dashboards (issue 29.1): the tallies count what the raw rows count, for every reader's scope, period and
province; a refresh counts again only the months that changed; each chart's CSV equals its table; a figure's
drill-down lists exactly the records it counts; and a reader sees only the charts and the figures of its scope."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from riskgate.insight import queries, services, tables
from riskgate.insight.models import MonthTally
from riskgate.intake import services as intake
from riskgate.intake.models import RiskInformation

pytestmark = pytest.mark.django_db
ZONE = dt.timezone(dt.timedelta(hours=8))


def _item(world, user, when, **fields):
    data = {"source_type": "consumer_complaint", "channel": "hotline", "title": "统计测试", "hazard_types": []}
    data.update(fields)
    info = intake.create_information(world.user(user), data=data)
    RiskInformation.objects.filter(pk=info.pk).update(received_at=when)
    return info


@pytest.fixture
def items(world):
    """Xi'an and Harbin items over three months, with lists (repeated values too) and blanks."""
    made = [
        _item(world, "xian", dt.datetime(2026, 1, 5, 9, tzinfo=ZONE), hazard_types=["chemical", "chemical"],
              origin_countries=["CN", "VN"], product_category="玩具", hs_code_id="950300"),
        _item(world, "xian", dt.datetime(2026, 1, 31, 23, 30, tzinfo=ZONE), hazard_types=["physical"],
              origin_countries=["DE"], product_category="玩具"),
        _item(world, "xian", dt.datetime(2026, 2, 1, 0, 10, tzinfo=ZONE), source_type="foreign_recall",
              hazard_types=["physical", "chemical"], hs_code_id="850440"),
        _item(world, "harbin", dt.datetime(2026, 2, 14, 12, tzinfo=ZONE), hazard_types=["biological"],
              origin_countries=["RU"], product_category="木材"),
        _item(world, "harbin", dt.datetime(2026, 3, 2, 8, tzinfo=ZONE)),
    ]  # fmt: skip
    RiskInformation.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    services.rebuild()
    return made


PERIODS = [
    tables.Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
    tables.Period(dt.date(2026, 2, 1), dt.date(2026, 2, 1)),
    tables.Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1), "61"),  # Shaanxi: Xi'an's units only
]


@pytest.mark.parametrize("username", ["warning", "xian", "harbin", "port"])
@pytest.mark.parametrize("period", PERIODS, ids=["q1", "february", "shaanxi"])
def test_the_tallies_count_what_the_raw_rows_count(world, items, username, period):
    user = world.user(username)
    assert queries.tallied(user)
    for dimension in ("source", "hazard", "category", "chapter", "country"):
        assert queries.counts(user, period, dimension) == queries.raw_counts(user, period, dimension), dimension


def test_scope_period_and_province_shape_the_figures(world, items):
    q1 = PERIODS[0]
    office = queries.counts(world.user("warning"), q1, "hazard")
    assert office == {"chemical": 2, "physical": 2, "biological": 1, "": 1}, "a repeated value counts once"
    assert queries.counts(world.user("xian"), q1, "hazard") == {"chemical": 2, "physical": 2}
    assert queries.counts(world.user("harbin"), q1, "country") == {"RU": 1, "": 1}
    assert queries.counts(world.user("warning"), PERIODS[2], "country") == {"CN": 1, "VN": 1, "DE": 1, "": 1}
    # 31 January 23:30 in Beijing is January; 1 February 00:10 is February.
    assert sum(queries.counts(world.user("xian"), PERIODS[1], "source").values()) == 1
    weeks = queries.weekly(world.user("warning"), q1)
    assert weeks[dt.date(2026, 1, 5)] == 1 and weeks[dt.date(2026, 1, 26)] == 2 and sum(weeks.values()) == 5
    assert queries.counts(world.user("enterprise"), q1, "source") == {}


def test_a_refresh_counts_again_only_the_months_that_changed(world, items):
    now = timezone.now()
    RiskInformation.objects.filter(pk=items[2].pk).update(hazard_types=["biological"], updated_at=now)
    january_rows = set(MonthTally.objects.filter(month=dt.date(2026, 1, 1)).values_list("pk", flat=True))
    assert services.refresh(now + dt.timedelta(minutes=1)) == {"months": ["2026-02"]}
    assert set(MonthTally.objects.filter(month=dt.date(2026, 1, 1)).values_list("pk", flat=True)) == january_rows
    user = world.user("xian")
    assert queries.counts(user, PERIODS[1], "hazard") == queries.raw_counts(user, PERIODS[1], "hazard")
    assert queries.counts(user, PERIODS[1], "hazard") == {"biological": 1}
    assert services.refresh(now + dt.timedelta(hours=1)) == {"months": ["2026-02"]}, "looked at again (overlap)"
    assert services.refresh(now + dt.timedelta(hours=2)) == {"months": []}, "nothing changed since"
    fresh = _item(world, "xian", now)
    RiskInformation.objects.filter(pk=fresh.pk).update(updated_at=now + dt.timedelta(hours=2, minutes=30))
    month = timezone.localtime(now).strftime("%Y-%m")
    assert services.refresh(now + dt.timedelta(hours=3)) == {"months": [month]}
    assert (
        queries.weekly(user, tables.default_period())[
            timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
        ]
        >= 1
        and fresh.pk
    )


def _get(client, path, period=PERIODS[0], **extra):
    query = {"since": period.since.strftime("%Y-%m"), "until": period.until.strftime("%Y-%m"), **extra}
    if period.province:
        query["province"] = period.province
    return client.get(path, query)


@pytest.mark.parametrize("role", ["warning_officer", "bureau_officer", "enterprise_user", "partner_officer"])
def test_each_charts_csv_equals_its_table_and_each_figure_drills_into_exactly_its_records(world, items, role):
    client = world.client_for(role)
    user = world.user_for_role(role)
    period = PERIODS[0]
    charts = queries.charts_for(user)
    assert charts
    page = _get(client, "/insight/")
    assert page.status_code == 200
    for chart in charts:
        table = chart.read(user, period)
        response = _get(client, f"/insight/{chart.key}.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert lines[0] == table.columns and lines[1:] == [[str(c) for c in row] for row in table.rows], chart.key
        for row, drill in zip(table.rows, table.drill, strict=True):
            for value in {v for v in drill if v is not None}:
                # A count opens the records it counts; a rate the records of its count in the same row (a recall's
                # rate, whose count is of units, the recall itself).
                counts = [c for c, v in zip(row, drill, strict=True) if v == value and isinstance(c, int)]
                expected = counts[0] if counts else 1
                assert all(c == expected for c in counts), (chart.key, value)
                assert chart.records(user, period, value).count() == expected, (chart.key, value)
                shown = _get(client, f"/insight/{chart.key}/records/", value=value)
                assert f'data-count="{expected}"' in shown.content.decode(), (chart.key, value)


def test_readers_see_their_charts_only(world, items, client):
    assert [c.key for c in queries.charts_for(world.user("enterprise"))] == ["on_time"]
    assert "levels" not in {c.key for c in queries.charts_for(world.user("port"))}
    assert _get(world.client_for("enterprise_user"), "/insight/source.csv").status_code == 404
    assert _get(world.client_for("enterprise_user"), "/insight/source/records/", value="").status_code == 404
    assert _get(world.client_for("auditor"), "/insight/").status_code == 403
    assert client.get("/insight/").status_code == 302
    harbin = _get(world.client_for("harbin"), "/insight/hazard/records/", value="chemical")
    assert 'data-count="0"' in harbin.content.decode()
    assert _get(world.client_for("xian"), "/insight/weekly/records/", value="not-a-date").status_code == 404
    bad = world.client_for("xian").get("/insight/", {"since": "2026-05", "until": "2026-02"})
    assert bad.status_code == 400 and "截止月份不能早于起始月份" in bad.content.decode()
    far = world.client_for("xian").get("/insight/", {"since": "9999-11", "until": "9999-12"})
    assert far.status_code == 400 and "1900 至 2999" in far.content.decode()
    assert world.client_for("xian").get("/insight/source.csv", {"until": "9999-12"}).status_code == 200
