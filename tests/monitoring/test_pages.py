"""The analyst's pages: the queue lists the open signals with their series in words, a signal shows its chart
data, its table and records, and the decision forms post as a browser posts them."""

import pytest
from django.urls import reverse

from riskgate.assessment.models import Assessment
from riskgate.monitoring import services
from riskgate.monitoring.models import Signal, SignalStatus

from .factories import SPIKE, history, profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def signal(world):
    chosen = profile(world)
    history(world)
    services.detect(chosen, [SPIKE])
    return Signal.objects.get()


def test_the_queue_shows_the_series_in_the_readers_language(world, signal):
    client = world.client_for("warning")
    page = client.get(reverse("monitoring:signals")).content.decode()
    assert signal.reference in page and "Nuts, nut products and seeds · 化学 · 土耳其 (TR)" in page
    client.cookies["django_language"] = "en"
    english = client.get(reverse("monitoring:signals")).content.decode()
    assert "Nuts, nut products and seeds · Chemical · Türkiye (TR)" in english
    # Decided signals leave the default view, and come back with their filter.
    services.dismiss(world.user("warning"), signal, reason="测试")
    assert signal.reference not in client.get(reverse("monitoring:signals")).content.decode()
    assert signal.reference in client.get(reverse("monitoring:signals") + "?status=dismissed").content.decode()


def test_a_signal_page_carries_its_chart_table_and_records(world, signal):
    page = world.client_for("warning").get(reverse("monitoring:signal", args=[signal.pk])).content.decode()
    assert 'id="signal-history"' in page and "data-signal-chart" in page
    assert f"<td>{SPIKE.isoformat()}</td><td>14</td>" in page  # the table beside the chart
    assert page.count("Aflatoxins in hazelnuts from Turkey") == 14
    assert "确认并提请研判" in page and "排除信号" in page


def test_confirming_posts_the_whole_form_as_a_browser_does(world, signal):
    client = world.client_for("warning")
    url = reverse("monitoring:signal_act", args=[signal.pk, "confirm"])
    form = {
        "title": "土耳其坚果化学危害通报增多",
        "hazard_type": "chemical",
        "urgency": "normal",
        "assignee_kind": "institution",
        "institution": str(world.org("caiq").pk),
        "group_name": "",
        "lead": str(world.user("assessor").pk),
        "question": "",
        "reason": "",
    }
    missing = client.post(url, {**form, "lead": ""})
    assert missing.status_code == 400 and 'class="error-summary"' in missing.content.decode()
    done = client.post(url, form)
    assert done.status_code == 302
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CONFIRMED and signal.assessment == Assessment.objects.get()
    page = client.get(reverse("monitoring:signal", args=[signal.pk])).content.decode()
    assert signal.assessment.reference in page and "确认并提请研判" not in page


def test_dismissing_without_a_reason_shows_the_error_summary(world, signal):
    client = world.client_for("warning")
    url = reverse("monitoring:signal_act", args=[signal.pk, "dismiss"])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "排除理由" in refused.content.decode()
    assert Signal.objects.get().status == SignalStatus.OPEN
    assert client.post(url, {"reason": "季节性进口高峰"}).status_code == 302
    assert Signal.objects.get().status == SignalStatus.DISMISSED


def test_the_analysts_home_lists_the_open_signals(world, signal):
    page = world.client_for("warning").get("/").content.decode()
    assert 'data-work="monitoring.signals"' in page and signal.reference in page
