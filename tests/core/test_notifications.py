"""Notifications reach the people who may act and are shown only to those who may open their object (issue 24
item 3): an expert of the institution never reads the title of an assessment they do not take part in."""

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from riskgate.accounts.models import Role, User
from riskgate.assessment import services as assessment
from riskgate.core import notifications
from riskgate.core.models import Notification
from riskgate.core.permissions import Permission
from riskgate.intake import services as intake

TITLE = "通知测试：锂电池热失控研判"


def _assessment(world, capture):
    xian = world.user("xian")
    info = intake.create_information(
        xian, data={"source_type": "media", "channel": "hotline", "title": "通知测试", "hazard_types": ["physical"]}
    )
    intake.transition(xian, info, to_status="under_verification")
    intake.transition(xian, info, to_status="verified")
    lead = User.objects.create(
        username="assessor-notified",
        email="lead@example.com",
        role=Role.objects.get(code="assessor"),
        organisation=world.org("caiq"),
    )
    User.objects.filter(username__in=["expert", "assessor"]).update(email="colleague@example.com")
    with capture(execute=True):
        case = assessment.request_assessment(
            xian,
            title=TITLE,
            hazard_type="physical",
            assignee_kind="institution",
            institution=world.org("caiq"),
            lead=lead,
            information_ids=[info.pk],
        )
    return case, lead


def test_an_assessment_notice_is_shown_and_mailed_only_to_its_participants(world, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    case, lead = _assessment(world, django_capture_on_commit_callbacks)
    note = Notification.objects.get(kind="assessment.assigned", object_id=str(case.pk))
    assert note.organisation == world.org("caiq") and note.object_type == "assessment.assessment"
    assert [m.to for m in mail.outbox if TITLE in m.subject] == [["lead@example.com"]]
    for username, shown in [("assessor-notified", True), ("assessor", False), ("expert", False)]:
        user = world.user(username)
        assert (note in notifications.for_user(user, 10)) is shown, username
        page = world.client_for(username).get(reverse("site:home")).content.decode()
        assert (TITLE in page) is shown, username


def test_an_organisation_notice_goes_only_to_holders_of_its_permission(world):
    org = world.org("xianyang-customs")
    notifications.notify_organisation(
        organisation=org, permission=Permission.RESPONSE_MEASURE_LIFT, kind="test.notice", title="仅解除权限可见"
    )
    port = world.user("port")  # a port officer executes measures but does not lift them
    assert not port.has_permission(Permission.RESPONSE_MEASURE_LIFT)
    assert not notifications.for_user(port, 10)
    notifications.notify_organisation(
        organisation=org, permission=Permission.RESPONSE_MEASURE_EXECUTE, kind="test.notice2", title="执行者可见"
    )
    assert [n.title for n in notifications.for_user(port, 10)] == ["执行者可见"]


def test_the_panel_fills_up_past_notices_the_user_may_not_open(world, django_capture_on_commit_callbacks):
    case, lead = _assessment(world, django_capture_on_commit_callbacks)
    caiq = world.org("caiq")
    for n in range(25):  # newer notices the lead may not open do not push the lead's own out of the panel
        Notification.objects.create(
            organisation=caiq,
            permission=str(Permission.ASSESSMENT_VIEW),
            kind="assessment.other",
            title=f"他人的研判 {n}",
            object_key=str(n),
            object_type="assessment.assessment",
            object_id=str(10**9 + n),
            created_at=timezone.now() + dt.timedelta(minutes=n),
        )
    assert [n.title for n in notifications.for_user(lead, 10)] == [f"新的研判任务：{TITLE}"]
