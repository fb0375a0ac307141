"""Supervised measures (issue 25 item 3, Art.22 and 26): a measure's deadline is watched — reminded before,
recorded overdue after and escalated to the deciding authority once, however often the job runs; the lead unit
reports it implemented; overdue measures stand out in lists and on the home pages of the units concerned; the
windows are data."""

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from riskgate.core.models import AuditEvent, Notification
from riskgate.response.models import LimitKind, MeasureKind, MeasureOrder, ResponseLimit, response_window
from riskgate.response.services import measures as services
from riskgate.response.services import obligations
from tests.site.work import work_on_home
from tests.warnings.factories import published

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _order(world, deadline, code="supervised-destruction"):
    notice, _approver = published(world)
    return services.order_measure(
        world.user("xian"),
        kind=MeasureKind.objects.get(code=code),
        warning=notice,
        target_kind="product",
        target="锂离子移动电源 型号 PB-20000",
        hs_codes=[],
        instructions="监督销毁涉事货物。",
        lead_unit=world.org("xianyang-customs"),
        cooperating_units=[world.org("sn-market-regulation")],
        deadline=deadline,
    )


def _kinds(order):
    return sorted(Notification.objects.filter(link=order.get_absolute_url()).values_list("kind", "organisation__code"))


def test_a_deadline_is_reminded_then_escalated_exactly_once(world):
    with time_machine.travel(NOW, tick=False):
        order = _order(world, NOW + dt.timedelta(days=3))
        assert services.watch_deadlines() == {"reminded": 0, "overdue": 0}  # 72 h ahead: outside the 48 h window
    with time_machine.travel(NOW + dt.timedelta(days=1, hours=1), tick=False):
        assert services.watch_deadlines() == {"reminded": 1, "overdue": 0}
        assert services.watch_deadlines() == {"reminded": 0, "overdue": 0}
    reminders = [n for n in _kinds(order) if n[0] == "measure.reminder"]
    assert reminders == [("measure.reminder", "sn-market-regulation"), ("measure.reminder", "xianyang-customs")]
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        order.refresh_from_db()
        assert order.is_overdue and order.overdue_at is None  # due now; the job records it
        for _ in range(3):
            call_command("escalate_overdue_measures", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert services.watch_deadlines() == {"reminded": 0, "overdue": 0}
    order.refresh_from_db()
    assert order.overdue_at == NOW + dt.timedelta(days=3)
    assert [n for n in _kinds(order) if n[0] != "measure.reminder" and n[0] != "measure.ordered"] == [
        ("measure.escalated", "xian-customs"),
        ("measure.overdue", "sn-market-regulation"),
        ("measure.overdue", "xianyang-customs"),
    ]
    assert AuditEvent.objects.filter(action="measure.overdue", object_id=str(order.pk)).count() == 1


def test_an_implemented_or_lifted_measure_is_left_alone(world):
    with time_machine.travel(NOW, tick=False):
        implemented = _order(world, NOW + dt.timedelta(hours=10))
        lifted = _order(world, NOW + dt.timedelta(hours=10), code="ban")
        services.report_progress(world.user("port"), implemented, text="已全部监督销毁。", implemented=True)
        services.lift(world.user("xian"), lifted, reason="风险已消除", evaluation="复核不合格率为 0")
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        assert services.watch_deadlines() == {"reminded": 0, "overdue": 0}
    implemented.refresh_from_db()
    assert not implemented.is_overdue and implemented.implemented_at == NOW
    assert ("measure.implemented", "xian-customs") in _kinds(implemented)  # the authority decides on lifting


def test_only_the_lead_unit_reports_a_measure_implemented(world):
    order = _order(world, timezone.now() + dt.timedelta(days=5))
    partner = world.user("partner")  # Shaanxi market regulator: a cooperating unit
    try:
        services.report_progress(partner, order, text="市场端已下架。", implemented=True)
    except ValidationError as error:
        assert "implemented" in error.message_dict
    else:
        raise AssertionError("a cooperating unit reported the measure implemented")
    order.refresh_from_db()
    assert order.implemented_at is None and order.notes.count() == 0  # nothing half-written
    services.report_progress(world.user("port"), order, text="已全部销毁。", implemented=True)
    try:
        services.report_progress(world.user("port"), order, text="再次", implemented=True)
    except ValidationError as error:
        assert "implemented" in error.message_dict
    else:
        raise AssertionError("implemented twice")


def test_the_reminder_window_is_data(world):
    assert response_window(LimitKind.MEASURE_REMINDER) == dt.timedelta(hours=48)
    ResponseLimit.objects.filter(kind=LimitKind.MEASURE_REMINDER).update(hours=120)
    with time_machine.travel(NOW, tick=False):
        _order(world, NOW + dt.timedelta(days=4))
        assert services.watch_deadlines()["reminded"] == 1  # 96 h ahead, inside the 120 h window
    ResponseLimit.objects.filter(kind=LimitKind.OBLIGATION_RESUBMISSION).update(hours=24)
    assert obligations.response_window(LimitKind.OBLIGATION_RESUBMISSION) == dt.timedelta(hours=24)
    ResponseLimit.objects.all().delete()
    assert response_window(LimitKind.OBLIGATION_REMINDER) == dt.timedelta(hours=48)  # the default without a row


def test_overdue_measures_stand_out_in_lists_home_pages_and_the_api(world):
    with time_machine.travel(NOW, tick=False):
        late = _order(world, NOW + dt.timedelta(hours=1))
        on_time = _order(world, NOW + dt.timedelta(days=30), code="ban")
    for username, work in (("port", "response.execute"), ("xian", "response.overdue")):
        client = world.client_for(username)
        home = work_on_home(client)  # the lead unit's own measures; the deciding authority's overdue ones
        assert late.reference in home[work] and "overdue" in home[work][late.reference]
        assert (on_time.reference in home[work]) == (username == "port")
        listing = client.get("/measures/", {"overdue": "on", "status": "", "mine": ""}).content.decode()
        assert late.reference in listing and on_time.reference not in listing
        assert listing.count('<tr class="overdue">') == 1
        everything = client.get("/measures/").content.decode()
        assert on_time.reference in everything and everything.count('<tr class="overdue">') == 1
        detail = client.get(f"/measures/{late.pk}/").content.decode()
        assert "逾期未落实" in detail
    for username in ("harbin", "enterprise"):
        home = work_on_home(world.client_for(username))
        assert "response.execute" not in home and "response.overdue" not in home
    body = world.client_for("port").get(f"/api/v1/measures/{late.pk}").json()
    assert body["overdue"] is True and body["implemented_at"] is None


def test_the_lead_unit_reports_implemented_through_the_form_as_a_browser_posts_it(world):
    order = _order(world, timezone.now() + dt.timedelta(days=5))
    port = world.client_for("port")
    page = port.get(f"/measures/{order.pk}/").content.decode()
    assert 'name="implemented"' in page
    assert 'name="implemented"' not in world.client_for("partner").get(f"/measures/{order.pk}/").content.decode()
    response = port.post(f"/measures/{order.pk}/progress/", {"text": "已全部监督销毁。", "implemented": "on"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.implemented_at is not None
    # a cooperating unit's forged box is not a field of its form: it reports progress only
    world.client_for("partner").post(f"/measures/{order.pk}/progress/", {"text": "已下架。", "implemented": "on"})
    assert MeasureOrder.objects.get(pk=order.pk).notes.count() == 2


def test_the_api_reports_implemented_for_the_lead_unit_only(world):
    order = _order(world, timezone.now() + dt.timedelta(days=5))
    refused = world.client_for("partner").post(
        f"/api/v1/measures/{order.pk}/progress",
        {"text": "已下架", "implemented": True},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "implemented" in refused.content.decode()
    done = world.client_for("port").post(
        f"/api/v1/measures/{order.pk}/progress",
        {"text": "已销毁", "implemented": True},
        content_type="application/json",
    )
    assert done.status_code == 201 and done.json()["implemented_at"]


def test_the_overdue_flag_reads_in_english_on_english_pages(world):
    with time_machine.travel(NOW, tick=False):
        late = _order(world, NOW + dt.timedelta(hours=1))
    client = world.client_for("port")
    client.cookies["django_language"] = "en"
    home = client.get("/").content.decode()
    assert "Measures of my unit to implement" in home and "days overdue" in home and "逾期" not in home
    detail = client.get(f"/measures/{late.pk}/").content.decode()
    assert "Overdue, not implemented" in detail and "The measure is implemented in full" in detail


def test_the_deciding_jurisdiction_checks_a_measures_implementation_and_the_units_are_told(world):
    """Art.26: an inspection of a measure's implementation is recorded with its result and told to its units."""
    import pytest
    from django.core.exceptions import PermissionDenied

    from riskgate.response.models import ImplementationCheck

    order = _order(world, timezone.now() + dt.timedelta(days=5))
    for username in ("port", "harbin", "partner"):  # the lead unit, another bureau, a cooperating agency
        with pytest.raises(PermissionDenied):
            services.record_check(
                world.user(username), order, checked_on=timezone.localdate(), result="satisfactory", findings="越权"
            )
    with pytest.raises(ValidationError) as error:
        services.record_check(
            world.user("xian"),
            order,
            checked_on=timezone.localdate() + dt.timedelta(days=1),
            result="satisfactory",
            findings="x",
        )
    assert "checked_on" in error.value.message_dict and not ImplementationCheck.objects.exists()
    check = services.record_check(
        world.user("xian"),
        order,
        checked_on=timezone.localdate(),
        result="unsatisfactory",
        findings="库存未全部销毁。",
    )
    assert check.order == order and check.obligation is None
    told = {n[1] for n in _kinds(order) if n[0] == "measure.checked"}
    assert told == {"xianyang-customs", "sn-market-regulation"}
    assert AuditEvent.objects.filter(action="measure.checked", object_id=str(order.pk)).count() == 1
    body = world.client_for("port").get(f"/api/v1/measures/{order.pk}").json()
    assert body["checks"] == [
        {
            "checked_on": str(timezone.localdate()),
            "result": "unsatisfactory",
            "findings": "库存未全部销毁。",
            "organisation_id": world.org("xian-customs").pk,
        }
    ]


def test_a_check_is_posted_from_the_measure_page_as_a_browser_posts_it(world):
    order = _order(world, timezone.now() + dt.timedelta(days=5))
    xian = world.client_for("xian")
    assert 'id="h-checks"' in xian.get(f"/measures/{order.pk}/").content.decode()
    blank = xian.post(f"/measures/{order.pk}/check/", {"checked_on": "", "findings": ""})  # no result chosen
    assert blank.status_code == 400
    response = xian.post(
        f"/measures/{order.pk}/check/",
        {"checked_on": str(timezone.localdate()), "result": "satisfactory", "findings": "已全部销毁，记录完整。"},
    )
    assert response.status_code == 302
    page = world.client_for("port").get(f"/measures/{order.pk}/").content.decode()
    assert "已全部销毁，记录完整。" in page and 'action="/measures/' + str(order.pk) + '/check/"' not in page
    assert world.client_for("port").post(
        f"/measures/{order.pk}/check/",
        {"checked_on": str(timezone.localdate()), "result": "satisfactory", "findings": "越权"},
    ).status_code in (403, 404)
