"""Issue 26.3: a warning's items, measures, addressees and category, and a recall's defect and distribution, have
English versions; where an officer wrote none, the English page shows the Chinese marked as the original."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from riskgate.response.services import recalls
from riskgate.warnings.models import WarningNotice
from tests.warnings.factories import confirmed_assessment, second_officer
from tests.warnings.test_manage import FORM, act

ENGLISH = {
    "summary_en": "The folding mechanism traps fingers.",
    "items_en": "Stop using the chair.",
    "measures_en": "The importer recalls the chairs.",
    "audience": "消费者",
    "audience_en": "Consumers",
    "product_category": "家具",
    "product_category_en": "Furniture",
}
BLANK_ENGLISH = {name: "" for name in ("summary_en", "items_en", "measures_en", "audience_en", "product_category_en")}


def publish_through_the_pages(world, fields) -> WarningNotice:
    a = confirmed_assessment(world)
    drafter = world.client_for("warning")
    response = drafter.post(reverse("warnings:create"), {**FORM, **fields, "assessment": a.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = WarningNotice.objects.get()
    act(drafter, notice, "submit")
    approver = Client()
    approver.force_login(second_officer(world), backend="django.contrib.auth.backends.ModelBackend")
    act(approver, notice, "approve")
    act(approver, notice, "publish")
    return notice


def public_page(notice, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    return client.get(reverse("warnings:public_detail", args=[notice.lineage_id])).content.decode()


def test_the_english_page_shows_the_english_items_measures_addressees_and_category(world):
    notice = publish_through_the_pages(world, {**ENGLISH, "audience": "消费者", "product_category": "家具"})
    english = public_page(notice, "en")
    for text in ENGLISH.values():
        if text.isascii():
            assert text in english, text
    assert "停止使用" not in english and "original Chinese" not in english
    chinese = public_page(notice, "zh-hans")
    assert "停止使用。" in chinese and "召回。" in chinese and "家具" in chinese and "Stop using" not in chinese


def test_where_no_english_was_written_the_chinese_is_marked_as_the_original(world):
    notice = publish_through_the_pages(world, {**BLANK_ENGLISH, "audience": "消费者"})
    english = public_page(notice, "en")
    assert '<span lang="zh-Hans">停止使用。</span> <small class="original">(original Chinese)</small>' in english
    assert '<span lang="zh-Hans">消费者</span>' in english
    assert "（中文原文）" not in public_page(notice, "zh-hans")


def test_the_cap_instruction_in_english_is_the_english_measures(world):
    notice = publish_through_the_pages(world, ENGLISH)
    cap = Client().get(reverse("warnings:cap", args=[notice.lineage_id, notice.version])).content.decode()
    assert "<instruction>The importer recalls the chairs.</instruction>" in cap
    assert "<instruction>召回。</instruction>" in cap


def test_a_recall_notice_reads_its_defect_and_distribution_in_english(world):
    recall = recalls.open_recall(
        world.user("xian"),
        {
            "kind": "voluntary",
            "enterprise": world.org("ent-xian-trading"),
            "product": "儿童推车",
            "defect": "折叠锁失效",
            "defect_en": "The folding lock fails",
            "affected_units": 10,
            "affected_range": "批次 A",
            "distribution": "陕西",
            "remedies": ["repair"],
            "communication_plan": "官网公告",
            "started_on": timezone.localdate(),
        },
    )
    recalls.publish(world.user("xian"), recall)
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("response:public_recall", args=[recall.pk])).content.decode()
    assert "The folding lock fails" in page and "折叠锁失效" not in page
    assert '<span lang="zh-Hans">陕西</span> <small class="original">(original Chinese)</small>' in page
    listing = client.get(reverse("response:public_recalls")).content.decode()
    assert "The folding lock fails" in listing
