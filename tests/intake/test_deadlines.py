"""Time limits per status and urgency (data); overdue items highlighted and escalated once by the scheduled job."""

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from riskgate.core.models import AuditEvent, Notification
from riskgate.intake import services
from riskgate.intake.deadlines import escalate_overdue
from riskgate.intake.models import RiskInformation, TimeLimit
from riskgate.intake.queries import information

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def entry(world, title="电吹风插头过热", urgency="normal"):
    with time_machine.travel(START, tick=False):
        return services.create_information(
            world.user("xian"),
            data={
                "source_type": "consumer_complaint",
                "channel": "hotline",
                "title": title,
                "hazard_types": ["physical"],
                "urgency": urgency,
            },
        )


def overdue_titles(world, at):
    with time_machine.travel(at, tick=False):
        return list(information(world.user("xian"), overdue=True).values_list("title", flat=True))


def test_an_item_becomes_overdue_exactly_at_its_time_limit(world):
    entry(world)
    assert TimeLimit.objects.get(status="received", urgency="normal").hours == 72
    assert overdue_titles(world, START + dt.timedelta(hours=71, minutes=59)) == []
    assert overdue_titles(world, START + dt.timedelta(hours=72, minutes=1)) == ["电吹风插头过热"]


def test_urgent_items_have_shorter_limits(world):
    entry(world, title="急：充电宝起火", urgency="urgent")
    entry(world, title="一般：标签不规范")
    assert overdue_titles(world, START + dt.timedelta(hours=3)) == ["急：充电宝起火"]


def test_overdue_items_are_highlighted_and_filterable_on_the_page(world):
    entry(world)
    client = world.client_for("bureau_officer")
    with time_machine.travel(START + dt.timedelta(hours=80), tick=False):
        page = client.get("/intake/", {"overdue": "on"}).content.decode()
    assert 'class="overdue"' in page and "电吹风插头过热" in page and "超期" in page
    with time_machine.travel(START + dt.timedelta(hours=10), tick=False):
        assert "电吹风插头过热" not in client.get("/intake/", {"overdue": "on"}).content.decode()


def test_the_scheduled_job_escalates_once_to_the_organisation_above(world):
    entry(world)
    entry(world, title="第二条：插座外壳开裂")
    late = START + dt.timedelta(hours=73)
    with time_machine.travel(late, tick=False):
        assert escalate_overdue() == {"escalated": 2, "organisations": 1}
        note = Notification.objects.get(kind="intake.overdue")
        assert note.organisation == world.org("gacc-warning-office"), "Xi'an Customs' items go to the office above it"
        assert "2 条风险信息超过处理时限" in note.title
        assert escalate_overdue() == {"escalated": 0, "organisations": 0}, "running twice escalates nothing new"
    assert Notification.objects.filter(kind="intake.overdue").count() == 1
    assert AuditEvent.objects.filter(action="intake.escalated").count() == 1


def test_a_new_status_starts_a_new_clock(world):
    info = entry(world)
    with time_machine.travel(START + dt.timedelta(hours=73), tick=False):
        escalate_overdue()
        services.transition(world.user("xian"), info, to_status="under_verification")
    assert overdue_titles(world, START + dt.timedelta(hours=73 + 239)) == []
    with time_machine.travel(START + dt.timedelta(hours=73 + 241), tick=False):
        assert escalate_overdue()["escalated"] == 1, "overdue again in its new status"


def test_time_limits_are_data_an_administrator_changes(world):
    entry(world)
    client = world.client_for("system_admin")
    limit = TimeLimit.objects.get(status="received", urgency="normal")
    response = client.post(
        f"/admin/intake/timelimit/{limit.pk}/change/", {"status": "received", "urgency": "normal", "hours": "24"}
    )
    assert response.status_code == 302
    assert overdue_titles(world, START + dt.timedelta(hours=25)) == ["电吹风插头过热"]
    assert AuditEvent.objects.filter(action="timelimit.changed", changes__hours=[72, 24]).exists()


def test_escalation_command(world):
    entry(world)
    out = io.StringIO()
    with time_machine.travel(START + dt.timedelta(hours=100), tick=False):
        call_command("escalate_overdue_information", stdout=out)
    assert "Escalated 1 overdue items to 1 organisations." in out.getvalue()
    assert RiskInformation.objects.get().escalated_status == "received"
