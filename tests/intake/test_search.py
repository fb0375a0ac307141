"""Search in Chinese and English (jieba tokens; FTS5 on SQLite, tsvector on PostgreSQL), within scope."""

import itertools

import pytest
from django.conf import settings

from riskgate.intake import services
from riskgate.intake.importers import SOURCES, read_csv, run_import
from riskgate.intake.queries import information


@pytest.fixture
def searchable(world):
    office = world.org("gacc-warning-office")
    rasff = list(itertools.islice(read_csv(settings.RISKGATE_SHARED_DATA / SOURCES["rasff"].default_file), 2000))
    run_import("rasff", "rasff", organisation=office, rows=rasff)
    run_import("cpsc", settings.RISKGATE_SHARED_DATA / SOURCES["cpsc"].default_file, organisation=office)
    xian = world.user("xian")

    def entry(title, description="", **extra):
        data = {"source_type": "consumer_complaint", "channel": "hotline", "title": title, "description": description}
        return services.create_information(xian, data={"hazard_types": ["physical"], **data, **extra})

    world.battery = entry("某品牌移动电源锂电池充电时起火", "消费者投诉：使用一周后锂电池鼓包并起火。")
    world.recall = entry("儿童推车主动召回", "生产企业因刹车失效主动召回。", source_type="enterprise_report")
    world.unrelated = entry("进口奶粉标签不规范", "标签未标注生产日期。", hazard_types=["other"])
    return world


def titles(principal, q):
    return list(information(principal, q=q).values_list("title", flat=True))


def test_two_character_chinese_words_match(searchable):
    found = titles(searchable.user("xian"), "召回")
    assert "儿童推车主动召回" in found and "进口奶粉标签不规范" not in found


def test_lithium_battery_matches_as_a_word_and_inside_longer_text(searchable):
    assert titles(searchable.user("xian"), "锂电池") == ["某品牌移动电源锂电池充电时起火"]
    assert titles(searchable.user("xian"), "电池 起火") == ["某品牌移动电源锂电池充电时起火"]


def test_english_terms_match_case_insensitively(searchable):
    office = searchable.user("warning")
    found = titles(office, "SALMONELLA")
    assert len(found) > 20 and all("salmonella" in t.lower() for t in found[:50])
    assert titles(office, "salmonella chicken") and set(titles(office, "salmonella chicken")) <= set(found)


def test_foreign_recalls_are_found_by_the_chinese_word_for_recall(searchable):
    """The index holds the Chinese label of the source (境外通报召回), so 召回 finds the US CPSC recalls too."""
    found = information(searchable.user("warning"), q="召回")
    assert found.filter(external_system="CPSC").count() == 289


def test_search_never_crosses_the_jurisdiction(searchable):
    assert titles(searchable.user("harbin"), "锂电池") == []
    assert titles(searchable.user("xian"), "salmonella") == [], "foreign notifications belong to the warning office"


def test_search_with_punctuation_or_operators_is_safe(searchable):
    for q in ['"', "AND OR NOT", "salmonella' OR 1=1 --", "*", "(召回", "a:b", "\\"]:
        information(searchable.user("warning"), q=q).count()


def test_search_and_filters_through_the_page_and_api(searchable):
    client = searchable.client_for("bureau_officer")
    page = client.get("/intake/", {"q": "锂电池"}).content.decode()
    assert "某品牌移动电源锂电池充电时起火" in page and "儿童推车主动召回" not in page
    api = client.get("/api/v1/intake/information", {"q": "召回", "source_type": "enterprise_report"}).json()
    assert [i["title"] for i in api["items"]] == ["儿童推车主动召回"]
    warning = searchable.client_for("warning_officer")
    de = warning.get("/api/v1/intake/information", {"origin": "de", "hazard": "biological", "page_size": 100}).json()
    assert de["count"] > 0 and all(
        "DE" in i["origin_countries"] and "biological" in i["hazard_types"] for i in de["items"]
    )


def test_index_does_not_depend_on_the_active_language(world):
    from django.utils import translation

    with translation.override("en"):
        info = services.create_information(
            world.user("xian"),
            data={
                "source_type": "foreign_recall",
                "channel": "hotline",
                "title": "Stroller brake failure",
                "hazard_types": ["physical"],
            },
        )
    assert "召回" in info.search_tokens.split() and "recall" in info.search_tokens.split()


def test_the_search_index_is_maintained_after_all_migrations(world):
    """A migration that rebuilds the table on SQLite drops its triggers; this fails until they are restored."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'intake_riskinformation'"
            )
            assert {r[0] for r in cursor.fetchall()} == {f"intake_riskinformation_fts_{s}" for s in ("ai", "ad", "au")}
    info = services.create_information(
        world.user("xian"),
        data={"source_type": "other", "channel": "hotline", "title": "触发器检查", "hazard_types": ["other"]},
    )
    assert list(information(world.user("xian"), q="触发器").values_list("pk", flat=True)) == [info.pk]
    info.title = "索引更新检查"
    info.search_tokens = "索引 更新 检查"
    info.save()
    assert list(information(world.user("xian"), q="索引").values_list("pk", flat=True)) == [info.pk]
    assert not information(world.user("xian"), q="触发器").exists()
    info.delete()
    assert not information(world.user("xian"), q="索引").exists()


def test_filter_by_responsible_organisation_within_scope(searchable):
    office = searchable.client_for("warning_officer")
    xian_id = searchable.org("xian-customs").pk
    page = office.get("/intake/", {"organisation": xian_id}).content.decode()
    assert "某品牌移动电源锂电池充电时起火" in page and "Salmonella" not in page
    api = office.get("/api/v1/intake/information", {"organisation": xian_id, "page_size": 100}).json()
    assert api["count"] == 3 and {i["organisation_id"] for i in api["items"]} == {xian_id}
    outside = searchable.client_for("harbin").get("/intake/", {"organisation": xian_id})
    assert outside.status_code == 200 and "锂电池" not in outside.content.decode(), (
        "choosing an organisation outside scope shows nothing"
    )


def test_filter_by_hs_chapter_or_heading(world):
    xian = world.user("xian")
    for title, hs in [("电热水壶", "851671"), ("电吹风", "851631"), ("积木玩具", "9503")]:
        services.create_information(
            xian,
            data={
                "source_type": "other",
                "channel": "hotline",
                "title": title,
                "hazard_types": ["other"],
                "hs_code_id": hs,
            },
        )
    assert sorted(information(xian, hs_chapter="85").values_list("title", flat=True)) == ["电吹风", "电热水壶"]
    assert list(information(xian, hs_chapter="851671").values_list("title", flat=True)) == ["电热水壶"]
    page = world.client_for("bureau_officer").get("/intake/", {"hs_chapter": "95"}).content.decode()
    assert "积木玩具" in page and "电热水壶" not in page


def test_english_words_match_their_other_forms(searchable):
    """Snowball stems beside the stored tokens: "dresser" finds "dressers", "recalled" finds "recall"."""
    xian = searchable.user("xian")
    services.create_information(
        xian,
        data={
            "source_type": "consumer_complaint",
            "channel": "hotline",
            "title": "Chests of drawers and dressers tip over",
            "description": "Batteries recalled",
            "hazard_types": ["physical"],
        },
    )
    for query in ("dresser", "DRESSERS", "dresser tips", "battery", "recalls"):
        assert titles(xian, query) == ["Chests of drawers and dressers tip over"], query
    assert titles(xian, "dressing") == [], "a stem is not a prefix"
    assert titles(xian, "锂电池") == ["某品牌移动电源锂电池充电时起火"], "Chinese tokens are not stemmed"


def test_rows_stored_before_stems_get_them_from_the_migration(world):
    from django.apps import apps

    from riskgate.core.stems import add_stems
    from riskgate.intake.models import RiskInformation

    info = services.create_information(
        world.user("xian"),
        data={"source_type": "other", "channel": "hotline", "title": "Dressers", "hazard_types": ["other"]},
    )
    RiskInformation.objects.filter(pk=info.pk).update(search_tokens="dressers 召回")
    assert titles(world.user("xian"), "dresser") == []
    add_stems("intake", "RiskInformation")(apps, None)
    info.refresh_from_db()
    assert info.search_tokens == "dressers dresser 召回"
    assert titles(world.user("xian"), "dresser") == ["Dressers"]
    add_stems("intake", "RiskInformation")(apps, None)  # again: nothing changes
    info.refresh_from_db()
    assert info.search_tokens == "dressers dresser 召回"
