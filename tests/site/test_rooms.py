"""The registry the site is composed from (site/rooms.py): every contribution a room names exists and belongs to
that room's own app, every installed domain app has its place, and the home page shows each role its panels."""

import pytest
from django.apps import apps
from django.urls import reverse

from riskgate.site import rooms

pytestmark = pytest.mark.django_db


def _paths(room):
    yield from (p for p in (room.urls, room.router) if p)
    yield from (panel.read for panel in room.panels)
    yield from (section.read for section in room.sections)
    yield from room.world
    yield from (step.loader for step in room.demo)


@pytest.mark.parametrize("room", rooms.ROOMS, ids=lambda r: r.app)
def test_each_contribution_exists_and_belongs_to_its_room(room):
    for path in _paths(room):
        assert path.startswith(f"riskgate.{room.app}."), path
        if path.endswith(".urls"):
            __import__(path)
        else:
            assert callable(rooms.resolve(path)) or hasattr(rooms.resolve(path), "urls_paths"), path
    for link in (*room.navigation, *room.public_navigation):
        assert link.url.startswith((f"{room.app}:", "admin:")), link.url
        reverse(link.url)


def test_every_app_with_pages_or_an_api_is_a_room():
    apps_with_urls = {
        config.name.split(".")[1]
        for config in apps.get_app_configs()
        if config.name.startswith("riskgate.") and config.label != "site" and _has_module(config.name, "urls")
    }
    assert apps_with_urls <= {room.app for room in rooms.ROOMS}


def _has_module(package: str, name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(f"{package}.{name}") is not None


def test_the_home_page_shows_each_role_its_panels(world):
    expected = {
        "warning": ["h-intake", "h-assessments", "h-juris", "h-me"],
        "auditor": ["h-audit", "h-juris", "h-me"],
        "admin": ["h-intake", "h-assessments", "h-audit", "h-admin", "h-tokens", "h-juris", "h-me"],
        "expert": ["h-assessments", "h-me"],
        # Issue 26: an enterprise has no jurisdiction to oversee; issue 30: it issues its own capture tokens, and
        # sees which of them expire soon.
        "enterprise": ["h-tokens", "h-me"],
    }
    for username, panels in expected.items():
        page = world.client_for(username).get(reverse("site:home")).content.decode()
        shown = [
            panel
            for panel in ("h-intake", "h-assessments", "h-audit", "h-admin", "h-tokens", "h-juris", "h-me")
            if f'id="{panel}"' in page
        ]
        assert shown == panels, (username, shown)


def test_a_visitor_gets_the_public_home(world):
    """Issue 26: `/` and the brand link sent a citizen to the sign-in page."""
    from django.test import Client

    from riskgate.response.models import Recall
    from riskgate.response.services import recalls
    from tests.response.factories import recall_data
    from tests.warnings.factories import published

    notice, _approver = published(world)
    recall = recalls.publish(world.user("xian"), recalls.open_recall(world.user("xian"), recall_data(world)))
    response = Client().get("/")
    body = response.content.decode()
    assert response.status_code == 200
    for link in ("/report/", "/report/status/", "/warnings/subscribe/", "/accounts/login/", f"/recalls/{recall.pk}/"):
        assert f'href="{link}' in body, link
    assert notice.title in body and f'href="/warnings/?level={notice.level}"' in body
    levels = body.split('id="h-levels"')[1].split("</section>")[0]
    assert "生效中的预警 1 条" in levels
    assert Recall.objects.filter(public=True).count() == 1
    signed_in = world.client_for("warning").get("/").content.decode()
    assert "工作人员登录" not in signed_in and "您好" in signed_in


def test_the_same_notice_told_many_times_is_one_line(world):
    """Issue 26: one notice sent to nine recipients showed as nine lines on the home page."""
    from riskgate.core.models import Notification

    office = world.org("gacc-warning-office")
    for n in range(9):
        Notification.objects.create(
            organisation=office,
            permission="warning:notice:draft",
            kind="warning.unanswered",
            title="预警 RW00000001-v1：接收方逾期未反馈",
            link="/warnings/manage/1/",
            object_key=f"recipient:{n}",
        )
    Notification.objects.create(
        organisation=office, permission="warning:notice:draft", kind="other", title="另一条通知", object_key="x"
    )
    page = world.client_for("warning").get(reverse("site:home")).content.decode()
    panel = page.split('id="h-notes"')[1].split("</section>")[0]
    assert panel.count("接收方逾期未反馈") == 1 and "×9" in panel and "另一条通知" in panel


def test_a_notification_is_stored_in_both_languages_and_read_in_the_readers(world, django_capture_on_commit_callbacks):
    """Issue 26.3: notification titles were stored in the language the job ran in (Chinese), so an English
    reader's home page showed Chinese. Each title is now written in both; one told before (Chinese only) shows
    its Chinese marked as the original."""
    from riskgate.core.models import Notification
    from riskgate.intake import services

    with django_capture_on_commit_callbacks(execute=True):
        info = services.create_information(
            world.user("xian"),
            data={
                "source_type": "consumer_complaint",
                "channel": "hotline",
                "title": "充电宝起火",
                "hazard_types": ["physical"],
                "urgency": "urgent",
            },
        )
    note = Notification.objects.get(kind="intake.urgent", object_id=str(info.pk))
    assert (note.title, note.title_en) == ("紧急风险信息：充电宝起火", "Urgent risk information: 充电宝起火")
    Notification.objects.create(
        organisation=note.organisation, permission=note.permission, kind="old", title="旧的通知", object_key="old"
    )
    client = world.client_for("warning")  # urgent items are told to the warning office at once
    chinese = client.get(reverse("site:home")).content.decode().split('id="h-notes"')[1].split("</section>")[0]
    assert "紧急风险信息：充电宝起火" in chinese and "Urgent" not in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("site:home")).content.decode().split('id="h-notes"')[1].split("</section>")[0]
    assert "Urgent risk information: 充电宝起火" in english and "紧急风险信息" not in english
    assert '<span lang="zh-Hans">旧的通知</span> <small class="original">(original Chinese)</small>' in english
