"""Delivery of warnings to the organisations concerned: circulars to the inspection bodies, ports, bureaus and
partner agencies of the regions, notices to the named enterprises; read receipts, action reports,
acknowledgements, and escalation of silence."""

import datetime as dt

import time_machine
from django.urls import reverse

from riskgate.core.models import Notification
from riskgate.warnings import services
from riskgate.warnings.models import Recipient
from riskgate.warnings.services import inbox
from tests.warnings.factories import published


def shaanxi_warning(world):
    return published(
        world,
        {
            "kinds": ["agency_notice", "business_notice"],
            "regions": ["610000"],
            "enterprises": [world.org("ent-xian-trading")],
        },
    )


def test_addressees_by_region_and_name(world):
    notice, _approver = shaanxi_warning(world)
    codes = set(Recipient.objects.filter(notice=notice).values_list("organisation__code", flat=True))
    assert {"xian-customs", "xianyang-customs", "baoji-customs", "xian-airport-port", "sn-market-regulation"} <= codes
    assert "ent-xian-trading" in codes
    assert not codes & {"harbin-customs", "suifenhe-rail-port", "ent-baoji-toys", "gacc-warning-office"}
    kinds = dict(Recipient.objects.filter(notice=notice).values_list("organisation__code", "kind"))
    assert kinds["ent-xian-trading"] == "enterprise" and kinds["xianyang-customs"] == "agency"


def test_read_receipt_action_report_and_acknowledgement(world):
    notice, _approver = shaanxi_warning(world)
    port = world.client_for("port_officer")  # 咸阳海关
    item = Recipient.objects.get(notice=notice, organisation=world.org("xianyang-customs"))
    assert notice.title in port.get(reverse("warnings:inbox")).content.decode()
    page = port.get(reverse("warnings:inbox_item", args=[item.pk]))
    item.refresh_from_db()
    assert item.read_at is None, "a GET writes nothing (issue 24 item 5)"
    receipt = reverse("warnings:inbox_read", args=[item.pk])
    assert f'hx-post="{receipt}"' in page.content.decode() and 'hx-trigger="load"' in page.content.decode()
    assert port.get(receipt).status_code == 405
    shown = port.post(receipt, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and 'id="read-receipt"' in shown.content.decode()
    item.refresh_from_db()
    assert item.read_by == world.user("port") and item.read_at is not None
    first = item.read_at
    world.client_for("bureau_officer").post(receipt)  # 西安海关 sees the item but is not its receiver
    port.post(receipt)
    item.refresh_from_db()
    assert item.read_at == first and item.read_by == world.user("port"), "the first reader of the receiver, once"
    refused = port.post(reverse("warnings:inbox_respond", args=[item.pk]), {"action_taken": ""})
    assert refused.status_code == 302
    item.refresh_from_db()
    assert item.action_at is None  # an agency must say what it did
    port.post(reverse("warnings:inbox_respond", args=[item.pk]), {"action_taken": "已对同类产品实施布控"})
    item.refresh_from_db()
    assert item.action_taken == "已对同类产品实施布控"
    # The bureau above sees the port's receipt but cannot answer for it; Harbin sees nothing.
    xian = world.client_for("bureau_officer")
    assert xian.get(reverse("warnings:inbox_item", args=[item.pk])).status_code == 200
    xian.post(reverse("warnings:inbox_respond", args=[item.pk]), {"action_taken": "代为反馈"})
    item.refresh_from_db()
    assert item.action_taken == "已对同类产品实施布控"
    assert world.client_for("harbin").get(reverse("warnings:inbox_item", args=[item.pk])).status_code == 404
    enterprise = world.client_for("enterprise_user")
    own = Recipient.objects.get(notice=notice, organisation=world.org("ent-xian-trading"))
    enterprise.post(reverse("warnings:inbox_respond", args=[own.pk]), {"action_taken": ""})
    own.refresh_from_db()
    assert own.action_at is not None and own.read_at is not None  # acknowledged (and so read)
    assert enterprise.get(reverse("warnings:inbox_item", args=[item.pk])).status_code == 404
    page = world.client_for("warning").get(reverse("warnings:manage", args=[notice.pk])).content.decode()
    assert "已对同类产品实施布控" in page and "未读" in page


def test_silence_is_escalated_once_and_lifting_reaches_the_inboxes(world):
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        notice, approver = shaanxi_warning(world)
        total = Recipient.objects.filter(notice=notice).count()
        clock.move_to(start + dt.timedelta(hours=71))
        assert inbox.escalate_unanswered() == 0
        clock.move_to(start + dt.timedelta(hours=73))
        assert inbox.escalate_unanswered() == total
        assert inbox.escalate_unanswered() == 0
        told = Notification.objects.filter(kind="warning.answer_overdue")
        assert told.count() == total and set(told.values_list("organisation__code", flat=True)) == {
            "gacc-warning-office"
        }
        cancel = services.lift(approver, notice, reason="风险已消除")
    assert Recipient.objects.filter(notice=cancel).count() == total


def test_the_answer_window_is_data_per_level(world):
    """Issue 25 item 3: the addressees' answer window is an admin-edited limit of the warning's level."""
    from riskgate.warnings.models import PublicationLimit

    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        notice, _approver = shaanxi_warning(world)
        PublicationLimit.objects.filter(level=notice.level).update(answer_hours=24)
        clock.move_to(start + dt.timedelta(hours=23))
        assert inbox.escalate_unanswered() == 0
        clock.move_to(start + dt.timedelta(hours=25))
        assert inbox.escalate_unanswered() == Recipient.objects.filter(notice=notice).count() > 0
