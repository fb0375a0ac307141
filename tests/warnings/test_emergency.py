"""Emergency first, confirmed afterwards (issue 25 item 1, Art.18–19): the follow-up an emergency warning carries
(assessment requested within its limit, reminders, one escalation to the issuer's superior per breach), the
"pending confirmation" flag on every page, feed and inbox, and its confirmation, adjustment or lifting on the
confirmed assessment."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from riskgate.core.models import AuditEvent, Notification
from riskgate.warnings import cap, services
from riskgate.warnings.models import Change, FollowUp, PublicationLimit, Recipient, Status
from riskgate.warnings.services import emergency
from tests.assessment.factories import request, verified_item
from tests.warnings.factories import CONTENT, confirmed_assessment, second_officer

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
PENDING = "待确认（紧急先行发布）"
DATA = {**CONTENT, "kinds": ["agency_notice", "public_announcement"], "regions": ["610000"], "hazard_type": "physical"}


def issue_emergency(world, level="II", assessment=None):
    drafter = world.user("warning")
    notice = services.draft_emergency(
        drafter, data={**DATA, "level": level}, reason="已致 3 名儿童受伤，需立即处置", assessment=assessment
    )
    services.submit_for_review(drafter, notice)
    approver = second_officer(world)
    services.approve(approver, notice)
    return services.publish(approver, notice), approver


def notes(kind):
    return set(Notification.objects.filter(kind=kind).values_list("organisation__code", flat=True))


def test_a_missing_request_is_reminded_and_escalated_once_and_a_late_confirmation_once(world):
    PublicationLimit.objects.filter(level="II").update(emergency_request_hours=24, emergency_confirm_hours=240)
    with time_machine.travel(NOW, tick=False):
        notice, _approver = issue_emergency(world)
    follow_up = FollowUp.objects.get(warning_id=notice.lineage_id)
    assert follow_up.request_due_at == NOW + dt.timedelta(hours=24)
    assert follow_up.confirm_due_at == NOW + dt.timedelta(hours=240)
    assert notes("warning.emergency_request_due") == {"gacc-warning-office"}, "told at publication"
    with time_machine.travel(NOW + dt.timedelta(hours=23), tick=False):
        assert emergency.watch() == {"reminded": 0, "request_escalated": 0, "confirm_escalated": 0}
    for hours in (25, 26, 30):  # however often the job runs, one escalation
        with time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False):
            counts = emergency.watch()
            assert counts["request_escalated"] == (1 if hours == 25 else 0)
    assert notes("warning.emergency_request_overdue") == {"gacc-warning-office", "gacc"}, "the issuer and its superior"
    assert AuditEvent.objects.filter(action="warning.emergency_request_overdue").count() == 1
    follow_up.refresh_from_db()
    assert follow_up.request_escalated_at == NOW + dt.timedelta(hours=25)
    for hours in (241, 250):
        with time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False):
            assert emergency.watch()["confirm_escalated"] == (1 if hours == 241 else 0)
    assert notes("warning.emergency_confirmation_overdue") == {"gacc-warning-office", "gacc"}


def test_a_linked_request_stops_the_escalation_and_the_limit_is_data(world):
    PublicationLimit.objects.filter(level="II").update(emergency_request_hours=0)  # at once
    in_progress = request(world, verified_item(world))
    with time_machine.travel(NOW, tick=False):
        notice, _approver = issue_emergency(world)
        assert FollowUp.objects.get(warning_id=notice.lineage_id).request_due_at == NOW
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        with pytest.raises(PermissionDenied):
            emergency.link_assessment(world.user("harbin"), notice, in_progress)  # not Harbin's warning
        emergency.link_assessment(world.user("warning"), notice, in_progress)
        assert emergency.watch()["request_escalated"] == 0
    follow_up = FollowUp.objects.get(warning_id=notice.lineage_id)
    assert follow_up.assessment == in_progress and follow_up.requested_at == NOW + dt.timedelta(minutes=10)
    # A draft may already link the assessment in progress: its follow-up starts requested.
    with time_machine.travel(NOW, tick=False):
        linked, _approver = issue_emergency(world, assessment=in_progress)
    assert FollowUp.objects.get(warning_id=linked.lineage_id).requested_at == NOW


def _pages(world, notice):
    """What every channel shows of the warning now: the officer's page, the public page, the Atom feed, the CAP
    message of the current version and an agency's inbox."""
    current = services.current(notice)
    office = world.client_for("warning_officer")
    public = Client()
    port = world.client_for("port_officer")
    return {
        "manage": office.get(reverse("warnings:manage", args=[current.pk])).content.decode(),
        "manage_list": office.get(reverse("warnings:manage_list")).content.decode(),
        "public": public.get(reverse("warnings:public_detail", args=[notice.lineage_id])).content.decode(),
        "portal": public.get(reverse("warnings:portal")).content.decode(),
        "feed": public.get(reverse("warnings:atom")).content.decode(),
        "inbox": port.get(reverse("warnings:inbox")).content.decode(),
    }


def api_flag(notice):
    """The public API's pending_confirmation of the warning's current version."""
    listed = Client().get("/api/v1/public/warnings?limit=100").json()["items"]
    return next(item["pending_confirmation"] for item in listed if item["id"] == notice.lineage_id)


def test_the_flag_shows_everywhere_until_the_assessment_is_confirmed_and_the_warning_confirmed(world):
    assessment = confirmed_assessment(world)
    notice, approver = issue_emergency(world, level=assessment.confirmed_level)
    shown = _pages(world, notice)
    for channel, page in shown.items():
        assert PENDING in page or "[待确认]" in page, channel
    xml = cap.to_xml(notice).decode()
    assert cap.PENDING_NOTE in xml and "<certainty>Likely</certainty>" in xml
    assert api_flag(notice) is True
    assert cap.validate(cap.to_xml(notice)) == []
    item = Recipient.objects.get(notice=notice, organisation=world.org("xianyang-customs"))
    assert (
        PENDING in world.client_for("port_officer").get(reverse("warnings:inbox_item", args=[item.pk])).content.decode()
    )

    # Confirming needs the approver, a confirmed assessment, and the same level.
    with pytest.raises(PermissionDenied):
        services.confirm(world.user("port"), notice, assessment=assessment)
    unconfirmed = request(world, verified_item(world))
    with pytest.raises(ValidationError, match="已确认"):
        services.confirm(approver, notice, assessment=unconfirmed)
    confirmed = services.confirm(approver, notice, assessment=assessment, note="研判结论与先行发布一致。")
    assert (confirmed.change, confirmed.status, confirmed.assessment) == (
        Change.CONFIRMED,
        Status.PUBLISHED,
        assessment,
    )
    assert confirmed.confirmed_at is not None and not confirmed.pending_confirmation
    notice.refresh_from_db()
    assert notice.status == Status.SUPERSEDED
    follow_up = FollowUp.objects.get(warning_id=notice.lineage_id)
    assert follow_up.closed_by == confirmed
    xml = cap.to_xml(confirmed).decode()
    assert "<msgType>Update</msgType>" in xml and "<certainty>Observed</certainty>" in xml
    assert cap.PENDING_NOTE not in xml and cap.validate(cap.to_xml(confirmed)) == []
    assert Recipient.objects.filter(notice=confirmed, organisation=world.org("xianyang-customs")).exists()
    for channel, page in _pages(world, notice).items():
        assert PENDING not in page and "[待确认]" not in page, channel
    assert api_flag(notice) is False
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=30), tick=False):
        assert emergency.watch() == {"reminded": 0, "request_escalated": 0, "confirm_escalated": 0}
    with pytest.raises(ValidationError, match="尚待确认"):
        services.confirm(approver, confirmed, assessment=assessment)


def test_a_different_level_calls_for_an_adjustment_citing_the_assessment(world):
    assessment = confirmed_assessment(world)
    other = next(level for level in ("II", "III") if level != assessment.confirmed_level)
    notice, approver = issue_emergency(world, level=other)
    with pytest.raises(ValidationError, match="请调整预警"):
        services.confirm(approver, notice, assessment=assessment)
    drafter = world.user("warning")
    draft = services.adjust(
        drafter, notice, reason="依据研判调整等级", data={"level": assessment.confirmed_level}, assessment=assessment
    )
    assert draft.pending_confirmation, "pending until the adjustment is published"
    services.submit_for_review(drafter, draft)
    services.approve(approver, draft)
    adjusted = services.publish(approver, draft)
    assert adjusted.confirmed_at is not None and adjusted.assessment == assessment
    assert FollowUp.objects.get(warning_id=notice.lineage_id).closed_by == adjusted


def test_the_officer_confirms_on_the_warning_page(world):
    assessment = confirmed_assessment(world)
    notice, _approver = issue_emergency(world, level=assessment.confirmed_level)
    office = Client()
    office.force_login(second_officer(world), backend="django.contrib.auth.backends.ModelBackend")
    page = office.get(reverse("warnings:manage", args=[notice.pk])).content.decode()
    assert 'id="h-follow-up"' in page and f'value="{assessment.pk}"' in page
    refused = office.post(reverse("warnings:act", args=[notice.pk, "confirm"]), {"assessment": "", "note": ""})
    assert refused.status_code == 302 and services.current(notice).pk == notice.pk
    done = office.post(reverse("warnings:act", args=[notice.pk, "confirm"]), {"assessment": assessment.pk, "note": ""})
    confirmed = services.current(notice)
    assert done.status_code == 302 and done["Location"] == reverse("warnings:manage", args=[confirmed.pk])
    assert confirmed.change == Change.CONFIRMED
