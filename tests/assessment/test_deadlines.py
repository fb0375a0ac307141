"""Time limits of assessments (Art.15) with a frozen clock: due dates from the rules, reminders, the scheduled
escalation job (task and command), extensions asked for before the due date and granted or refused."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from riskgate.assessment import services
from riskgate.assessment.deadlines import remind_and_escalate
from riskgate.assessment.models import DueDateRule
from riskgate.core.models import AuditEvent, Notification
from tests.assessment.factories import request, verified_item

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def kinds(assessment):
    return list(assessment.due_dates.values_list("kind", flat=True))


def test_due_dates_come_from_the_rules(world, clock):
    physical = request(world, verified_item(world))
    chemical = request(world, verified_item(world), hazard_type="chemical")
    urgent = request(world, verified_item(world), urgency="urgent", hazard_type="chemical")
    assert physical.due_at == T0 + dt.timedelta(days=15)
    assert chemical.due_at == T0 + dt.timedelta(days=30)
    assert urgent.due_at == T0 + dt.timedelta(hours=72)  # urgency first: the urgent rule covers every hazard
    DueDateRule.objects.filter(urgency="normal", hazard_type="").update(hours=240)
    assert request(world, verified_item(world)).due_at == T0 + dt.timedelta(days=10)


def test_reminder_then_escalation_once_each(world, clock):
    a = request(world, verified_item(world))  # due T0 + 15 days; reminder 48 h before
    clock.move_to(a.due_at - dt.timedelta(hours=49))
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
    clock.move_to(a.due_at - dt.timedelta(hours=47))
    assert remind_and_escalate() == {"reminded": 1, "escalated": 0}
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
    assert Notification.objects.filter(kind="assessment.due_soon", organisation=world.org("caiq")).count() == 1
    clock.move_to(a.due_at + dt.timedelta(minutes=1))
    out = StringIO()
    call_command("escalate_overdue_assessments", stdout=out)
    assert "escalated 1 overdue" in out.getvalue()
    escalated_to = set(
        Notification.objects.filter(kind="assessment.overdue").values_list("organisation__code", flat=True)
    )
    assert escalated_to == {"gacc-warning-office", "gacc", "caiq"}  # the requester, the one above, the assignee
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
    assert AuditEvent.objects.filter(action="assessment.escalated", object_id=str(a.pk)).count() == 1
    a.refresh_from_db()
    assert a.overdue
    client = world.client_for("warning")
    assert [i["id"] for i in client.get("/api/v1/assessments?overdue=true").json()["items"]] == [a.pk]
    assert a.reference in client.get("/assessments/?overdue=on").content.decode()


def test_scheduled_task_runs_the_same_job(world, clock):
    from riskgate.assessment.tasks import remind_and_escalate as task
    from riskgate.celery import app

    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "riskgate.assessment.tasks.remind_and_escalate" in schedule
    a = request(world, verified_item(world))
    clock.move_to(a.due_at + dt.timedelta(hours=1))
    assert task.apply().get() == {"reminded": 0, "escalated": 1}


def test_extension_granted_moves_the_due_date_and_rearms_the_job(world, clock):
    a = request(world, verified_item(world))
    assessor, warning = world.user("assessor"), world.user("warning")
    first_due = a.due_at
    clock.move_to(first_due - dt.timedelta(hours=10))
    assert remind_and_escalate()["reminded"] == 1
    with pytest.raises(ValidationError, match="原因"):
        services.request_extension(assessor, a, new_due_at=first_due + dt.timedelta(days=10), reason=" ")
    with pytest.raises(ValidationError, match="晚于"):
        services.request_extension(assessor, a, new_due_at=first_due, reason="实验室排队")
    services.request_extension(assessor, a, new_due_at=first_due + dt.timedelta(days=10), reason="实验室排队")
    with pytest.raises(ValidationError, match="待审批"):
        services.request_extension(assessor, a, new_due_at=first_due + dt.timedelta(days=11), reason="再申请")
    with pytest.raises(PermissionDenied):
        services.decide_extension(assessor, a, grant=True)  # the assessor cannot grant their own extension
    services.decide_extension(warning, a, grant=True, note="同意")
    a.refresh_from_db()
    assert a.due_at == first_due + dt.timedelta(days=10) and a.reminded_at is None
    assert kinds(a) == ["initial", "requested", "granted"]
    assert list(a.due_dates.values_list("due_at", flat=True)) == [first_due, first_due, a.due_at]  # history kept
    clock.move_to(first_due + dt.timedelta(hours=1))
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}  # no longer overdue
    clock.move_to(a.due_at - dt.timedelta(hours=1))
    assert remind_and_escalate() == {"reminded": 1, "escalated": 0}  # a reminder for the new due date


def test_extension_must_be_asked_before_the_due_date(world, clock):
    a = request(world, verified_item(world))
    clock.move_to(a.due_at + dt.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="时限届满前"):
        services.request_extension(
            world.user("assessor"), a, new_due_at=a.due_at + dt.timedelta(days=5), reason="来不及"
        )
    assert kinds(a) == ["initial"]


def test_refused_extension_keeps_the_due_date(world, clock):
    a = request(world, verified_item(world))
    services.request_extension(world.user("assessor"), a, new_due_at=a.due_at + dt.timedelta(days=5), reason="样品未到")
    with pytest.raises(ValidationError, match="理由"):
        services.decide_extension(world.user("warning"), a, grant=False)
    services.decide_extension(world.user("warning"), a, grant=False, note="样品已于昨日送达")
    due = a.due_at
    a.refresh_from_db()
    assert a.due_at == due and kinds(a) == ["initial", "requested", "refused"]
    with pytest.raises(ValidationError, match="没有待审批"):
        services.decide_extension(world.user("warning"), a, grant=True)


def test_submitted_reports_are_not_escalated(world, clock):
    from tests.assessment.factories import bring_to_panel

    a = request(world, verified_item(world))
    bring_to_panel(world, a)
    for username in ("expert", "expert2"):
        services.vote(world.user(username), a, approve=True)
    services.submit(world.user("assessor"), a)
    clock.move_to(a.due_at + dt.timedelta(days=1))
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
