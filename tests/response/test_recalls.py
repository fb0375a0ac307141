"""Defective-product recalls (R-RCL-1): opened voluntary or ordered, the environmental-protection type of imported
vehicles, progress reports and the effectiveness rate over time (figures tested, chart on the page), the public
notice on the portal, enforcement for a concealed defect, the demo from the real Safety Gate motor-vehicle
alerts — and who may see and report what."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.response.models import Recall, RecallEnforcement
from riskgate.response.queries import recalls as recall_queries
from riskgate.response.services import recalls
from tests.response.factories import recall_data


def test_progress_gives_the_effectiveness_rate_over_time(world):
    recall = recalls.open_recall(world.user("xian"), recall_data(world))
    assert recall.reference == f"RL{recall.pk:08d}" and recall.get_recall_type_display().startswith("进口机动车")
    start = recall.started_on
    enterprise = world.user("enterprise")
    recalls.report_progress(enterprise, recall, as_of=start + dt.timedelta(days=30), units_corrected=100)
    recalls.report_progress(world.user("xian"), recall, as_of=start + dt.timedelta(days=60), units_corrected=250)
    with pytest.raises(ValidationError, match="不能少于"):
        recalls.report_progress(enterprise, recall, as_of=start + dt.timedelta(days=75), units_corrected=200)
    with pytest.raises(ValidationError, match="超过涉及数量"):
        recalls.report_progress(enterprise, recall, as_of=start + dt.timedelta(days=80), units_corrected=401)
    with pytest.raises(ValidationError):
        recalls.report_progress(
            enterprise, recall, as_of=timezone.localdate() + dt.timedelta(days=1), units_corrected=300
        )
    assert recall_queries.effectiveness(recall) == [
        {"date": (start + dt.timedelta(days=30)).isoformat(), "units": 100, "rate": 0.25},
        {"date": (start + dt.timedelta(days=60)).isoformat(), "units": 250, "rate": 0.625},
    ]
    recalls.report_progress(enterprise, recall, as_of=start + dt.timedelta(days=85), units_corrected=400)
    recall.refresh_from_db()
    assert recall.status == "completed" and recall_queries.effectiveness(recall)[-1]["rate"] == 1.0
    with pytest.raises(ValidationError, match="已完成"):
        recalls.report_progress(enterprise, recall, as_of=timezone.localdate(), units_corrected=400)
    page = world.client_for("enterprise").get(f"/recalls/manage/{recall.pk}/").content.decode()
    assert "data-recall-chart" in page and "62%" in page and "echarts.min.js" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "maybe"}, "kind"),
        ({"affected_units": 0}, "affected_units"),
        ({"remedies": []}, "remedies"),
        ({"remedies": ["pray"]}, "remedies"),
        ({"defect": " "}, "defect"),
        ({"hs_code": "84x9"}, "hs_code"),
        ({"enterprise": "xian-customs"}, "enterprise"),
        ({"enterprise": "ent-harbin-timber"}, "enterprise"),  # outside Xi'an's jurisdiction
    ],
)
def test_bad_recalls_are_refused_at_their_field(world, changes, field):
    if isinstance(changes.get("enterprise"), str):
        changes["enterprise"] = world.org(changes["enterprise"])
    with pytest.raises(ValidationError) as error:
        recalls.open_recall(world.user("xian"), recall_data(world, **changes))
    assert field in error.value.message_dict
    assert not Recall.objects.exists()


def test_who_sees_reports_and_publishes(world):
    from riskgate.accounts.models import Role, User

    recall = recalls.open_recall(world.user("xian"), recall_data(world))
    other = User.objects.create(
        username="harbin-timber",
        role=Role.objects.get(code="enterprise_user"),
        organisation=world.org("ent-harbin-timber"),
    )
    assert recall in recall_queries.visible(world.user("enterprise")) and recall not in recall_queries.visible(other)
    assert recall not in recall_queries.visible(world.user("harbin"))
    with pytest.raises(PermissionDenied):
        recalls.report_progress(other, recall, as_of=timezone.localdate(), units_corrected=1)
    with pytest.raises(PermissionDenied):
        recalls.open_recall(world.user("enterprise"), recall_data(world))
    with pytest.raises(PermissionDenied):
        recalls.publish(world.user("enterprise"), recall)
    anonymous = world.client_for("anonymous")
    assert anonymous.get(f"/recalls/{recall.pk}/").status_code == 404  # not yet public
    recalls.publish(world.user("xian"), recall)
    listing = anonymous.get("/recalls/").content.decode()
    assert "EX-20" in listing
    assert "排放控制装置" in anonymous.get(f"/recalls/{recall.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="recall.published", object_id=str(recall.pk)).exists()
    # A concealed defect opens an enforcement record (the authority only).
    with pytest.raises(PermissionDenied):
        recalls.open_enforcement(world.user("enterprise"), recall, kind="concealed", facts="x")
    recalls.open_enforcement(world.user("xian"), recall, kind="concealed", facts="进口商知悉缺陷后未报告。")
    assert RecallEnforcement.objects.get().kind == "concealed"
    refused = world.client_for("enterprise").post(
        f"/recalls/manage/{recall.pk}/enforce/", {"kind": "refused", "facts": "x"}
    )
    assert refused.status_code == 403


def test_pages_open_and_report(world):
    xian = world.client_for("xian")
    response = xian.post(
        "/recalls/manage/new/",
        {
            "kind": "ordered",
            "recall_type": "defect",
            "enterprise": world.org("ent-xian-trading").pk,
            "product": "儿童推车",
            "defect": "折叠锁扣失效",
            "affected_units": "120",
            "affected_range": "批次 2026-10",
            "remedies": ["replace", "refund"],
            "communication_plan": "门店公告",
            "started_on": "2026-11-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    recall = Recall.objects.get()
    assert recall.remedies == ["replace", "refund"]
    posted = world.client_for("enterprise").post(
        f"/recalls/manage/{recall.pk}/progress/", {"as_of": "2026-11-20", "units_corrected": "30"}
    )
    assert posted.status_code == 302 and recall_queries.effectiveness(recall)[0]["rate"] == 0.25
    assert world.client_for("harbin").get(f"/recalls/manage/{recall.pk}/").status_code == 404
    assert world.client_for("expert").get("/recalls/manage/").status_code == 403


def test_the_demo_turns_real_safety_gate_vehicle_alerts_into_recalls(world):
    from riskgate.response.demo import load_demo_recalls

    made = load_demo_recalls()
    assert made == 12
    assert Recall.objects.filter(recall_type="environmental").count() == 6
    assert Recall.objects.filter(source__startswith="SR/").count() == 12
    assert Recall.objects.filter(public=True).exists() and Recall.objects.filter(progress__isnull=False).exists()
    assert load_demo_recalls() == 0


def test_publishing_twice_is_a_message_not_an_error(world):
    recall = recalls.open_recall(world.user("xian"), recall_data(world))
    xian = world.client_for("xian")
    assert xian.post(f"/recalls/manage/{recall.pk}/publish/").status_code == 302
    again = xian.post(f"/recalls/manage/{recall.pk}/publish/", follow=True)
    assert again.status_code == 200 and "召回公告已发布" in again.content.decode()
    assert Recall.objects.get(pk=recall.pk).public


def test_each_kind_of_record_has_its_own_reference_prefix():
    """A reference names one kind of record (a recall once shared RC with intake's risk cases)."""
    import re

    from django.apps import apps

    prefixes = {}
    for model in apps.get_models():
        if isinstance(getattr(model, "reference", None), property):
            prefix = re.match(r"[A-Z]+", model().reference).group()
            assert prefix not in prefixes, f"{model.__name__} and {prefixes[prefix]} both use {prefix}"
            prefixes[prefix] = model.__name__
    assert {"RC", "RL", "RM", "OB", "RW", "CR"} <= set(prefixes)
