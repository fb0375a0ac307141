"""Issue 26 item 2: every home page leads with "my pending work" — what waits for this user, counted, with the
nearest deadlines and the time left — scoped to the user's role and jurisdiction."""

import datetime as dt

import pytest
from django.utils import translation

from riskgate.core.work import remaining
from tests.site.work import busy_world, work_on_home

NOW = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("due", "since", "text", "css"),
    [
        (NOW + dt.timedelta(days=3, hours=5), None, "剩 3 天", ""),
        (NOW + dt.timedelta(hours=5, minutes=30), None, "剩 5 小时", "soon"),
        (NOW + dt.timedelta(minutes=10), None, "剩 1 小时", "soon"),
        (NOW - dt.timedelta(days=2, hours=1), None, "逾期 2 天", "overdue"),
        (NOW - dt.timedelta(hours=3), None, "逾期 3 小时", "overdue"),
        (None, NOW - dt.timedelta(days=4, hours=2), "已等待 4 天", ""),
        (None, NOW - dt.timedelta(hours=2), "等待不足 1 天", ""),
        (None, None, "", ""),
    ],
)
def test_time_left_reads_as_a_person_says_it(due, since, text, css):
    with translation.override("zh-hans"):
        left = remaining(due, since, NOW)
    assert (left.text, left.css) == (text, css)


def test_time_left_in_english():
    with translation.override("en"):
        assert remaining(NOW + dt.timedelta(days=1, hours=2), None, NOW).text == "1 day left"
        assert remaining(NOW + dt.timedelta(days=3), None, NOW).text == "3 days left"
        assert remaining(NOW - dt.timedelta(hours=1), None, NOW).text == "1 hour overdue"
        assert remaining(None, NOW - dt.timedelta(days=2), NOW).text == "Waiting for 2 days"


def test_each_role_sees_its_own_work_first_with_deadlines(world):
    made = busy_world(world)
    ref = {name: obj.reference for name, obj in made.items()}

    xian = work_on_home(world.client_for("xian"))
    assert "剩 " in xian["intake.received"][ref["received"]]  # 72 h for a normal item just received
    assert "overdue" in xian["response.overdue"][ref["order"]] and "逾期 1 天" in xian["response.overdue"][ref["order"]]

    warning = work_on_home(world.client_for("warning"))
    assert ref["unpublished"] in warning["warnings.publish_due"]
    assert "warnings.review" not in warning, "the drafter does not review its own draft (four eyes)"

    admin = work_on_home(world.client_for("admin"))
    assert ref["in_review"] in admin["warnings.review"]

    assessor = work_on_home(world.client_for("assessor"))
    assert ref["to_accept"] in assessor["assessment.accept"]
    assert "剩 " in assessor["assessment.accept"][ref["to_accept"]]
    for expert in ("expert", "expert2"):
        assert ref["before_panel"] in work_on_home(world.client_for(expert))["assessment.vote"]

    enterprise = work_on_home(world.client_for("enterprise"))
    assert "剩 6 天" in enterprise["response.report_due"][ref["obligation"]]
    assert set(enterprise) == {"response.report_due"}

    port = work_on_home(world.client_for("port"))
    assert ref["task"] in port["targeting.tasks"] and "等待不足 1 天" in port["targeting.tasks"][ref["task"]]
    assert "overdue" in port["response.execute"][ref["order"]]
    assert "response.overdue" not in port, "the port executes the measure; the bureau that decided it supervises"


def test_no_one_sees_work_outside_their_role_and_jurisdiction(world):
    made = busy_world(world)
    harbin = work_on_home(world.client_for("harbin"))
    for name in ("received", "order", "task", "in_review"):
        assert all(made[name].reference not in rows for rows in harbin.values()), name
    partner = work_on_home(world.client_for("partner"))
    assert not any(key.startswith(("intake.", "assessment.", "targeting.")) for key in partner)
    assert work_on_home(world.client_for("auditor")) == {}
    page = world.client_for("auditor").get("/").content.decode()
    assert "目前没有等待您处理的事项。" in page
    assessor = work_on_home(world.client_for("assessor"))
    assert not any(key.startswith(("intake.", "warnings.", "response.")) for key in assessor)


def test_a_group_counts_everything_and_links_to_the_whole_list(world):
    from riskgate.intake import services as intake

    for n in range(7):
        intake.create_information(
            world.user("xian"),
            data={
                "source_type": "consumer_complaint",
                "channel": "officer_entry",
                "title": f"投诉 {n}",
                "hazard_types": ["physical"],
            },
        )
    page = world.client_for("xian").get("/").content.decode()
    group = page.split('data-work="intake.received"', 1)[1].split("</div>", 1)[0]
    assert "共 7 项" in group and group.count("<tr") == 1 + 5  # the header and the first five
    assert 'href="/intake/?status=received"' in group and "查看全部 7 项" in group
    listing = world.client_for("xian").get("/intake/?status=received").content.decode()
    assert listing.count("投诉 ") >= 7


def test_the_pending_work_reads_in_english(world):
    busy_world(world)
    client = world.client_for("port")
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert "My pending work" in page and "Inspection tasks to handle" in page
    work = page.split('id="h-work"', 1)[1].split("</section>", 1)[0]
    assert "overdue" in work and not any(word in work for word in ("待处置", "剩 ", "逾期", "共 ", "等待"))
