"""The credit pages: the enterprise's grade explained event by event in both languages, the internal score only for
those who manage credit, and the forms posted as a browser posts them (blank selects and dates included)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from riskgate.credit import queries, services
from riskgate.credit.models import CreditEvent, GradeOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(world):
    enterprise = world.org("ent-xian-trading")
    services.record_event(
        enterprise=enterprise,
        kind="customs_certified",
        source="document:AEO-CN6101930001",
        detail="海关认证",
        occurred_at=timezone.now() - dt.timedelta(days=20),
    )
    return enterprise


def test_the_record_is_explained_in_the_readers_language_and_the_score_stays_internal(world, certified):
    url = reverse("credit:enterprise", args=[certified.pk])
    officer = world.client_for("warning")
    page = officer.get(url).content.decode()
    assert "高级认证企业" in page and "海关高级认证" in page and "document:AEO-CN6101930001" in page
    assert "内部评分" in page and 'data-score="90.0"' in page
    officer.cookies["django_language"] = "en"
    english = officer.get(url).content.decode()
    assert "AEO advanced-certified enterprise" in english and "Customs advanced certification (AEO)" in english
    assert "Internal score" in english and "needed for the advanced grade" in english
    own = world.client_for("enterprise").get(url).content.decode()
    assert "高级认证企业" in own and "海关高级认证" in own
    assert "内部评分" not in own and "data-score" not in own and "提出人工调整" not in own
    # The organisation page carries the same grade in its credit section.
    organisation = officer.get(reverse("accounts:organisation_detail", args=[certified.pk])).content.decode()
    assert 'aria-labelledby="h-credit"' in organisation and "Credit record (1 event)" in organisation
    # Another jurisdiction's officer does not find it; the enterprise's list leads to its own record.
    assert world.client_for("harbin").get(url).status_code == 404
    assert world.client_for("enterprise").get(reverse("credit:list")).url == url


def test_an_override_is_proposed_and_reviewed_by_posting_the_forms(world, certified):
    act = reverse("credit:enterprise_act", args=[certified.pk, "override"])
    officer = world.client_for("warning")
    blank = officer.post(act, {"grade": "dishonest", "until": "", "reason": ""})
    assert blank.status_code == 400 and 'class="error-summary"' in blank.content.decode()
    past = officer.post(act, {"grade": "dishonest", "until": "2020-01-01", "reason": "走私"})
    assert past.status_code == 400 and "有效期须晚于今天" in past.content.decode()
    done = officer.post(act, {"grade": "dishonest", "until": "", "reason": "涉嫌走私，已立案"})
    assert done.status_code == 302
    override = GradeOverride.objects.get()
    page = officer.get(reverse("credit:enterprise", args=[certified.pk])).content.decode()
    assert "须由另一名人员复核" in page and "复核通过" not in page
    decide = reverse("credit:enterprise_act", args=[certified.pk, "approve"])
    assert officer.post(decide, {"override": override.pk, "note": ""}).status_code == 400  # the proposer
    reviewer = world.client_for("xian")
    assert "复核通过" in reviewer.get(reverse("credit:enterprise", args=[certified.pk])).content.decode()
    assert reviewer.post(decide, {"override": override.pk, "note": "同意"}).status_code == 302
    assert queries.grade_of(certified) == "dishonest"
    end = reverse("credit:enterprise_act", args=[certified.pk, "end"])
    assert reviewer.post(end, {"override": override.pk, "reason": ""}).status_code == 400
    assert reviewer.post(end, {"override": override.pk, "reason": "已撤案"}).status_code == 302
    assert queries.grade_of(certified) == "advanced"


def test_an_officer_records_a_penalty_from_the_page(world, certified):
    act = reverse("credit:enterprise_act", args=[certified.pk, "event"])
    officer = world.client_for("xian")
    form = {"kind": "penalty_serious", "source": "西关缉违字〔2026〕9号", "occurred_on": "", "detail": "逃避检验"}
    assert officer.post(act, form).status_code == 400  # no date
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert "不能晚于今天" in officer.post(act, {**form, "occurred_on": future}).content.decode()
    assert officer.post(act, {**form, "occurred_on": "2026-11-20"}).status_code == 302
    assert queries.grade_of(certified) == "dishonest"
    event = CreditEvent.objects.get(kind="penalty_serious")
    assert event.source == "document:西关缉违字〔2026〕9号" and event.recorded_by == world.user("xian")
    again = officer.post(act, {**form, "occurred_on": "2026-11-20"})
    assert again.status_code == 400 and "已记录" in again.content.decode()
    assert world.client_for("port").post(act, {**form, "source": "x", "occurred_on": "2026-11-20"}).status_code == 403
