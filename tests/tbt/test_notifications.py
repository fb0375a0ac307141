"""Technical trade measures: the import (all or nothing, idempotent), the impact on exporters from export
declarations, alerts to exactly the exporters of a heading (once), comments before the deadline only, and every
read and write refused to those without the right."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.core.models import Notification as Note
from riskgate.targeting.services import screening
from riskgate.tbt import demo, queries, services
from riskgate.tbt.models import Alert, Comment, CommentStatus, Notification

TOYS = "6103930002"  # ent-baoji-toys
BEARINGS = "3715930004"  # ent-liaocheng-bearings


def exports(world):
    screening.screen(world.user("warning"), demo.export_items(timezone.now()), one_declaration=False)


def notification(world, **extra):
    data = {
        "kind": "tbt", "symbol": "G/TBT/N/TST/1", "member": "US", "title": "玩具安全", "products": "玩具",
        "hs_codes": "9503", "comment_deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        **extra,
    }  # fmt: skip
    return services.register(world.user("warning"), data)


def test_the_example_file_imports_once_and_again_changes_nothing(world):
    rows = services.read_file(demo.EXAMPLE.read_bytes(), demo.EXAMPLE.name)
    first = services.import_notifications(world.user("warning"), rows)
    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    again = services.import_notifications(world.user("warning"), rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    toys = Notification.objects.get(symbol="G/TBT/N/TTO/121/Rev.1")
    assert toys.member == "TT" and toys.hs_codes == ["95030089"] and toys.distributed_on == dt.date(2019, 11, 13)


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(world):
    rows = services.read_file(demo.EXAMPLE.read_bytes(), demo.EXAMPLE.name)
    rows[2]["hs_codes"] = "95A3"
    with pytest.raises(ValidationError) as refused:
        services.import_notifications(world.user("warning"), rows)
    assert "第 3 条" in refused.value.messages[0] and "hs_codes" in refused.value.messages[0]
    assert not Notification.objects.exists()
    cases = [
        ({"member": "XX"}, "member"),
        ({"symbol": "!!"}, "symbol"),
        ({"distributed_on": "2019-13-01"}, "distributed_on"),
    ]
    for bad, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.import_notifications(world.user("warning"), [{**rows[0], **bad}])
        assert field in refused.value.messages[0]


def test_a_new_notification_on_a_heading_alerts_exactly_its_exporters_once(world, django_capture_on_commit_callbacks):
    exports(world)
    toys = notification(world)
    impact = queries.impact(world.user("warning"), toys)
    assert [e.enterprise.code for e in impact] == ["ent-baoji-toys"]
    assert impact[0].declarations == 12 and sorted(impact[0].headings) == ["9503"]
    with django_capture_on_commit_callbacks(execute=True):
        made = services.alert_exporters(world.user("warning"), toys)
    assert [a.enterprise.code for a in made] == ["ent-baoji-toys"]
    assert services.alert_exporters(world.user("warning"), toys) == []  # once
    notes = Note.objects.filter(kind="tbt.alert")
    assert [n.organisation.code for n in notes] == ["ent-baoji-toys"]
    bearings = notification(world, symbol="G/TBT/N/TST/2", hs_codes="8482;8483")
    assert [a.enterprise.code for a in services.alert_exporters(world.user("warning"), bearings)] == [
        "ent-liaocheng-bearings"
    ]
    none = notification(world, symbol="G/TBT/N/TST/3", hs_codes="0904")
    assert services.alert_exporters(world.user("warning"), none) == []
    assert AuditEvent.objects.filter(action="tbt.alerted").count() == 2


def test_imports_of_a_heading_are_not_exports(world):
    screening.screen(
        world.user("warning"),
        [{**item, "direction": "import"} for item in demo.export_items(timezone.now())],
        one_declaration=False,
    )
    assert queries.impact(world.user("warning"), notification(world)) == []


def test_comments_are_drafted_and_recorded_before_the_deadline_only(world, client):
    exports(world)
    toys = notification(world)
    services.alert_exporters(world.user("warning"), toys)
    enterprise = world.user("enterprise")  # ent-xian-trading: not alerted, but may comment on a notification
    comment = services.draft_comment(enterprise, toys, "建议延长过渡期至 12 个月。")
    comment = services.draft_comment(enterprise, toys, "建议延长过渡期至 18 个月。", comment)
    recorded = services.record_comment(enterprise, comment)
    assert recorded.status == CommentStatus.RECORDED and recorded.recorded_at
    with pytest.raises(ValidationError):
        services.draft_comment(enterprise, toys, "改", recorded)
    with pytest.raises(PermissionDenied):
        services.record_comment(world.user("warning"), Comment.objects.create(
            notification=toys, organisation=enterprise.organisation, author=enterprise, text="x"))  # fmt: skip
    Notification.objects.filter(pk=toys.pk).update(comment_deadline=timezone.localdate() - dt.timedelta(days=1))
    toys.refresh_from_db()
    with pytest.raises(ValidationError) as late:
        services.draft_comment(enterprise, toys, "迟到的意见")
    assert "评议期已结束" in late.value.messages[0]
    # Each organisation reads its own comments; the warning office those of its jurisdiction.
    assert queries.comments_of(enterprise, toys).count() == 2
    assert queries.comments_of(world.user("warning"), toys).count() == 2


def test_writes_are_refused_without_the_permission(world):
    with pytest.raises(PermissionDenied):
        services.register(world.user("enterprise"), {"symbol": "G/TBT/N/TST/9"})
    toys = notification(world)
    for user in ("enterprise", "port"):
        with pytest.raises(PermissionDenied):
            services.alert_exporters(world.user(user), toys)
    with pytest.raises(PermissionDenied):
        services.draft_comment(world.user("port"), toys, "x")
    assert not Alert.objects.exists() and not Comment.objects.exists()


def test_an_officer_imports_and_alerts_through_the_pages_and_the_enterprise_sees_its_alert(world):
    exports(world)
    officer = world.client_for("warning")
    content = demo.EXAMPLE.read_bytes()
    answer = officer.post("/tbt/import/", {"file": SimpleUploadedFile("n.csv", content, content_type="text/csv")})
    assert answer.status_code == 302 and Notification.objects.count() == 4
    bad = officer.post("/tbt/import/", {"file": SimpleUploadedFile("n.txt", b"x", content_type="text/plain")})
    assert bad.status_code == 400
    toys = Notification.objects.get(symbol="G/TBT/N/TTO/121/Rev.1")
    page = officer.get(f"/tbt/{toys.pk}/").content.decode()
    assert "宝鸡示例玩具制造有限公司" in page and "聊城示例轴承" not in page
    assert officer.post(f"/tbt/{toys.pk}/alert/").status_code == 302
    assert Alert.objects.get().enterprise.code == "ent-baoji-toys"
    assert world.client_for("enterprise").post(f"/tbt/{toys.pk}/alert/").status_code == 403
    # The Xi'an importer was not alerted: its own list of concerning notifications is empty, and it sees no alerts.
    mine = world.client_for("enterprise").get("/tbt/", {"mine": "1"}).content.decode()
    assert "G/TBT/N/TTO/121/Rev.1" not in mine
    assert "宝鸡示例" not in world.client_for("enterprise").get(f"/tbt/{toys.pk}/").content.decode()
