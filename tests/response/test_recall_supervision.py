"""Recalls under supervision (issue 25 item 5): a target rate and date; a recall below its target at the date
is stalled and escalated once; its defect investigation links to an assessment; concealment opens an
enforcement record that is a fact of the enterprise's credit record."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from riskgate.core.models import AuditEvent, Notification
from riskgate.credit.models import CreditEvent
from riskgate.response.models import Recall
from riskgate.response.services import recalls
from tests.assessment.factories import verified_item
from tests.response.factories import recall_data
from tests.warnings.factories import confirmed_assessment

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_a_recall_below_its_target_at_the_date_is_escalated_once(world, django_capture_on_commit_callbacks):
    officer = world.user("xian")
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ValidationError, match="同时填写"):
            recalls.open_recall(officer, recall_data(world, target_rate=90))
        with pytest.raises(ValidationError, match="1–100"):
            recalls.open_recall(officer, recall_data(world, target_rate=120, target_date=dt.date(2026, 12, 31)))
        recall = recalls.open_recall(
            officer,
            recall_data(world, started_on=dt.date(2026, 11, 1), target_rate=90, target_date=dt.date(2026, 12, 31)),
        )
        recalls.report_progress(officer, recall, as_of=dt.date(2026, 12, 1), units_corrected=200)  # 50 %
        assert recalls.watch() == 0, "before the target date nothing is stalled"
    with (
        time_machine.travel(dt.datetime(2027, 1, 2, 8, 0, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert recalls.watch() == 1
        assert recalls.watch() == 0
    recall.refresh_from_db()
    assert recall.stalled_at is not None
    told = set(Notification.objects.filter(kind="recall.stalled").values_list("organisation__code", flat=True))
    assert told == {"xian-customs", "gacc-warning-office"}, "the supervising authority and the one above it"
    assert AuditEvent.objects.filter(action="recall.stalled").count() == 1
    page = world.client_for("bureau_officer").get(reverse("response:recall", args=[recall.pk])).content.decode()
    assert "未达目标，已督办" in page and "2026-12-31 前召回率达到 90%" in page


def test_a_recall_that_reached_its_target_is_not_stalled(world):
    officer = world.user("xian")
    recall = recalls.open_recall(
        officer,
        recall_data(
            world,
            started_on=timezone.localdate() - dt.timedelta(days=60),
            target_rate=50,
            target_date=timezone.localdate() - dt.timedelta(days=1),
        ),
    )
    recalls.report_progress(officer, recall, as_of=timezone.localdate() - dt.timedelta(days=2), units_corrected=300)
    assert recalls.watch() == 0 and Recall.objects.get(pk=recall.pk).stalled_at is None


def test_the_investigation_links_an_assessment_and_concealment_is_a_credit_fact(world):
    officer = world.user("xian")
    recall = recalls.open_recall(officer, recall_data(world))
    assessment = confirmed_assessment(world, requester="xian", info=verified_item(world, username="xian"))
    client = world.client_for("bureau_officer")
    url = reverse("response:recall_act", args=[recall.pk, "assessment"])
    assert client.post(url, {"assessment": assessment.pk}).status_code == 302
    assert Recall.objects.get(pk=recall.pk).assessment == assessment
    assert world.client_for("enterprise_user").post(url, {"assessment": assessment.pk}).status_code == 403
    record = recalls.open_enforcement(officer, recall, kind="concealed", facts="企业早于 2026 年 6 月即知悉缺陷。")
    event = CreditEvent.objects.get(source=f"recall-enforcement:{record.pk}")
    assert (event.kind, event.enterprise) == ("recall_concealed", recall.enterprise)
