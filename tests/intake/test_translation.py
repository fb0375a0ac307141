"""Issue 26.3: a foreign-source English text gets a Chinese version an officer fills in; Chinese readers see it
(and can search by it), the original stays as received and is shown to English readers."""

from django.test import Client
from django.urls import reverse

from riskgate.core.models import AuditEvent
from riskgate.intake import services
from riskgate.intake.models import RiskInformation

TITLE = "Lithium power bank overheats and catches fire"


def foreign_item(world) -> RiskInformation:
    return services.create_information(
        world.user("xian"),
        data={
            "source_type": "foreign_recall",
            "channel": "foreign_notification",
            "title": TITLE,
            "description": "The cells overheat while charging.",
            "hazard_types": ["physical"],
        },
    )


def page(client, info, language="zh-hans") -> str:
    client.cookies["django_language"] = language
    return client.get(reverse("intake:detail", args=[info.pk])).content.decode()


def test_an_untranslated_foreign_title_is_marked_as_the_english_original(world):
    info = foreign_item(world)
    body = page(world.client_for("xian"), info)
    assert f'<span lang="en">{TITLE}</span> <small class="original">（英文原文）</small>' in body
    assert f'action="/intake/{info.pk}/translation/"' in body


def test_the_officer_gives_a_chinese_version_shown_in_chinese_and_searched(world):
    info = foreign_item(world)
    client = world.client_for("xian")
    response = client.post(
        reverse("intake:translate", args=[info.pk]),
        {"title_zh": "锂电池充电宝过热起火", "description_zh": "充电时电芯过热。"},
    )
    assert response.status_code == 302
    info.refresh_from_db()
    assert info.title == TITLE and info.title_zh == "锂电池充电宝过热起火"
    chinese = page(client, info)
    assert "锂电池充电宝过热起火" in chinese and "充电时电芯过热。" in chinese
    assert f'<p lang="en">{TITLE}' in chinese  # the original stays beside the translation
    assert "锂电池充电宝过热起火" not in page(client, info, "en").split('id="h-translation"')[0]
    client.cookies["django_language"] = "zh-hans"
    listing = client.get(reverse("intake:list"), {"q": "充电宝"}).content.decode()
    assert info.reference in listing and "锂电池充电宝过热起火" in listing
    event = AuditEvent.objects.filter(action="intake.translated").get()
    assert event.changes["title_zh"] == ["", "锂电池充电宝过热起火"]


def test_a_bad_translation_is_refused_with_an_error_summary_and_nothing_changes(world):
    info = foreign_item(world)
    response = world.client_for("xian").post(
        reverse("intake:translate", args=[info.pk]), {"title_zh": "坏\x00字符", "description_zh": ""}
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    info.refresh_from_db()
    assert info.title_zh == "" and not AuditEvent.objects.filter(action="intake.translated").exists()


def test_who_may_not_process_the_item_cannot_translate_it(world):
    info = foreign_item(world)
    for role in ("port_officer", "enterprise_user", "anonymous"):
        response = world.client_for(role).post(reverse("intake:translate", args=[info.pk]), {"title_zh": "x"})
        assert response.status_code in (302, 403, 404) and "/accounts/login/" in response.get(
            "Location", "/accounts/login/"
        )
    info.refresh_from_db()
    assert info.title_zh == ""
    assert Client().get(reverse("intake:detail", args=[info.pk])).status_code == 302
