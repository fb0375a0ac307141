"""The public side of warnings: portal list, search (two-character Chinese words), filters, detail and versions,
Atom and CAP feeds; restricted warnings and confidential fields never appear."""

from django.test import Client
from lxml import etree

from riskgate.warnings import cap, services
from tests.warnings.factories import CONTENT, published

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def restricted_and_public(world):
    v1, approver = published(world, {"regions": ["610000"], "product_category": "家具"})
    drafter = world.user("warning")
    agency_only = services.draft_emergency(
        drafter,
        data={
            **CONTENT,
            "kinds": ["agency_notice"],
            "level": "III",
            "hazard_type": "chemical",
            "title": "仅限口岸：某批次奶粉检出阪崎肠杆菌",
        },
        reason="内部线索：某进口商涉嫌规避检验",
    )
    services.submit_for_review(drafter, agency_only)
    services.approve(approver, agency_only)
    agency_only = services.publish(approver, agency_only)
    return v1, agency_only, approver


def test_portal_lists_public_warnings_only_and_never_confidential_fields(world):
    v1, agency_only, approver = restricted_and_public(world)
    client = Client()
    page = client.get("/warnings/").content.decode()
    assert v1.title in page and agency_only.title not in page
    assert "截至" in page  # the as-of time
    assert "II 级 严重（橙色）" in page  # the level in words beside its colour
    detail = client.get(f"/warnings/{v1.lineage_id}/").content.decode()
    assert v1.summary in detail and v1.measures in detail
    confidential = [
        world.user("warning").full_name,
        approver.username,
        v1.assessment.reference,
        v1.assessment.hazard,
        "内部线索",
    ]
    for url in ("/warnings/", f"/warnings/{v1.lineage_id}/", "/warnings/feed.atom", "/warnings/cap.atom"):
        body = client.get(url).content.decode()
        assert not [s for s in confidential if s in body], url
    assert client.get(f"/warnings/{agency_only.lineage_id}/").status_code == 404
    assert client.get(f"/warnings/{agency_only.lineage_id}/v1/cap.xml").status_code == 404


def test_search_matches_two_character_chinese_words_and_filters(world):
    v1, _agency_only, _approver = restricted_and_public(world)
    client = Client()

    def titles(query):
        return v1.title in client.get(f"/warnings/?{query}").content.decode()

    assert titles("q=折叠") and titles("q=夹伤") and titles("q=fingers") and not titles("q=奶粉")
    assert titles("q=finger") and titles("q=FINGERS") and not titles("q=fingerprint")  # English stems
    assert titles("level=II") and not titles("level=I")
    assert titles("kind=public_announcement") and not titles("kind=business_notice")
    assert titles("hs_chapter=94") and not titles("hs_chapter=85")
    assert titles("origin=cn") and not titles("origin=DE")
    assert titles("region=610100") and not titles("region=230100")
    assert titles("category=家具") and titles("state=active") and not titles("state=lifted")
    bad = client.get("/warnings/?origin=ZZ&hs_chapter=ab")
    assert bad.status_code == 400 and "未知的国家或地区" in bad.content.decode()


def test_versions_adjustment_and_lifting_show_on_the_portal_and_feeds(world):
    v1, approver = published(world)
    v2 = services.adjust(world.user("warning"), v1, reason="伤害报告增多，升为 I 级", data={"level": "I"})
    services.submit_for_review(world.user("warning"), v2)
    services.approve(approver, v2)
    v2 = services.publish(approver, v2)
    client = Client()
    assert "已调整" in client.get("/warnings/?state=adjusted").content.decode()
    old = client.get(f"/warnings/{v1.lineage_id}/v1/").content.decode()
    assert "这是历史版本" in old and "II 级 严重（橙色）" in old
    cancel = services.lift(approver, v2, reason="召回完成")
    listed = client.get("/warnings/?state=lifted").content.decode()
    assert v1.title in listed and "已解除" in listed

    feed = etree.fromstring(client.get("/warnings/feed.atom").content)
    entries = feed.findall("atom:entry", ATOM)
    assert len(entries) == 3  # Alert, Update, Cancel: every change is itself published
    cap_feed = etree.fromstring(client.get("/warnings/cap.atom").content)
    links = [
        link.get("href")
        for link in cap_feed.findall("atom:entry/atom:link", ATOM)
        if link.get("type") == "application/cap+xml"
    ]
    assert len(links) == 3
    for href in links:
        response = client.get(href.replace("http://testserver", ""))
        assert response["Content-Type"].startswith("application/cap+xml")
        assert cap.validate(response.content) == []
    message = etree.fromstring(client.get(f"/warnings/{v1.lineage_id}/v3/cap.xml").content)
    assert message.findtext(f"{{{cap.NS}}}msgType") == "Cancel"
    assert cancel.version == 3
    filtered = etree.fromstring(client.get("/warnings/feed.atom?level=IV").content)
    assert filtered.findall("atom:entry", ATOM) == []


def test_anonymous_navigation_offers_the_portal(world):
    page = Client().get("/report/").content.decode()
    assert 'href="/warnings/"' in page


def test_public_api_lists_and_reads_public_warnings_without_sign_in(world):
    v1, agency_only, _approver = restricted_and_public(world)
    client = Client()
    listed = client.get("/api/v1/public/warnings?q=折叠&level=II").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == v1.lineage_id
    item = listed["items"][0]
    assert item["colour"] == "orange" and item["cap_url"].endswith("/v1/cap.xml")
    assert set(item) >= {"title", "title_en", "summary", "measures", "regions", "published_at"}
    assert not {"drafted_by", "approved_by", "assessment", "emergency_reason", "organisation_id"} & set(item)
    assert client.get("/api/v1/public/warnings?state=lifted").json()["count"] == 0
    assert client.get(f"/api/v1/public/warnings/{agency_only.lineage_id}").status_code == 404
    versions = client.get(f"/api/v1/public/warnings/{v1.lineage_id}").json()
    assert [v["version"] for v in versions] == [1]
    bad = client.get("/api/v1/public/warnings?origin=123")
    assert bad.status_code == 422 and set(bad.json()) == {"code", "message", "errors"}


def test_numbers_that_are_not_ids_are_not_found(db):
    client = Client()
    for url in ("/warnings/99999999999999999999999/", "/warnings/1/v99999999999999999999999/cap.xml"):
        assert client.get(url).status_code == 404


def test_public_pages_are_served_again_until_something_is_published(world):
    """Anonymous visitors share one rendering per address and language; a new publication shows at once."""
    from django.core.cache import cache

    cache.clear()
    v1, approver = published(world)
    client = Client()
    first = client.get("/warnings/?q=折叠").content.decode()
    assert v1.title in first and "csrfmiddlewaretoken" not in first
    v1.__class__.objects.filter(pk=v1.pk).update(title="改过的标题，不应出现")  # behind the services' back
    assert client.get("/warnings/?q=折叠").content.decode() == first  # served again
    second, _approver = published(world, {"title": "新发布的折叠椅预警"})
    assert "新发布的折叠椅预警" in client.get("/warnings/?q=折叠").content.decode()  # a publication shows at once
    officer = world.client_for("warning")  # signed in: always fresh
    assert "改过的标题" in officer.get("/warnings/?q=折叠").content.decode()


def test_parameters_the_page_does_not_read_do_not_defeat_the_page_cache(world, monkeypatch):
    from riskgate.warnings import portal_index

    v1, _approver = published(world)
    searches = []
    search = portal_index.search
    monkeypatch.setattr(portal_index, "search", lambda criteria: searches.append(criteria) or search(criteria))
    client = Client()
    first = client.get("/warnings/?q=折叠&nonce=1").content.decode()
    assert v1.title in first and len(searches) == 1
    assert client.get("/warnings/?nonce=2&q=折叠").content.decode() == first  # the same page, served again
    assert len(searches) == 1
    client.get("/warnings/?q=折叠&level=" + v1.level)  # another page: rendered
    client.get("/warnings/?q=折叠&page=1")
    assert len(searches) == 3


def test_language_links_on_public_pages(world):
    client = Client()
    response = client.get("/warnings/language/?language=en&next=/warnings/")
    assert response.status_code == 302 and response["Location"] == "/warnings/"
    assert client.get("/warnings/").content.decode().count("Risk warnings") >= 1
    evil = client.get("/warnings/language/?language=en&next=https://evil.example/")
    assert evil["Location"] == "/warnings/"


def test_a_visitors_flash_message_is_never_served_to_another(world):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    published(world)
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(20, "只给这位访客的提示")
    carrier = HttpResponse()
    storage.update(carrier)
    visitor = Client()
    visitor.cookies["messages"] = carrier.cookies["messages"].value
    assert "只给这位访客的提示" in visitor.get("/warnings/").content.decode()
    assert "只给这位访客的提示" not in Client().get("/warnings/").content.decode()


def test_result_items_escape_what_drafters_typed_and_show_every_part(world):
    v1, _approver = published(
        world,
        {"title": '折叠椅 <script>alert("x")</script> & Co', "summary": "夹伤 <b>手指</b> " + "很长" * 200},
    )
    page = Client().get("/warnings/?q=折叠椅").content.decode()
    assert "<script>alert" not in page and "<b>手指" not in page
    assert "折叠椅 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    item = page[page.index('<li class="warning">') :]
    assert f'<a href="/warnings/{v1.lineage_id}/">' in item  # linked to its page
    assert 90 < item.count("很长") < 100  # the summary cut at 200 characters
    assert f'class="level level-{v1.level}"' in page and 'class="state active"' in page and "生效中" in page
    english = Client(headers={"accept-language": "en"})
    english.cookies["django_language"] = "en"
    assert (
        "Active" in english.get("/warnings/?q=折叠椅").content.decode()
        or "In force" in english.get("/warnings/?q=折叠椅").content.decode()
    )


def test_invalid_filters_list_nothing_and_say_why(world):
    """Issue 26: `origin=中国` or `hs_chapter=abc` showed the field errors and still listed every warning."""
    notice, _approver = published(world)
    client = Client()
    assert notice.title in client.get("/warnings/").content.decode()
    for query in ("origin=Atlantis", "hs_chapter=abc", "region=x&level=II"):
        response = client.get(f"/warnings/?{query}")
        body = response.content.decode()
        assert response.status_code == 400, query
        assert 'class="error-summary"' in body and notice.title not in body, query
        assert "共 0 条" in body, query
    summary = client.get("/warnings/?origin=Atlantis").content.decode().split('class="error-summary"')[1]
    assert 'href="#id_origin"' in summary
    for feed in ("/warnings/feed.atom", "/warnings/cap.atom"):
        refused = client.get(f"{feed}?hs_chapter=abc")
        assert refused.status_code == 400 and "hs_chapter" in refused.content.decode()
    assert client.get("/warnings/?origin=CN").status_code == 200


def test_filters_are_picked_by_name(world):
    """Issue 26: countries, regions and HS chapters are picked by name ("中国 (CN)", "陕西省 (610000)", "94 …")
    instead of typed codes; the code alone still works (links and the API use it)."""
    notice, _approver = published(world, {"regions": ["610000"]})
    client = Client()
    page = client.get("/warnings/").content.decode()
    assert 'list="pick-countries"' in page and '<option value="中国 (CN)">' in page
    assert '<option value="陕西省 (610000)">' in page and 'datalist id="pick-hs"' in page
    for query in (
        "origin=中国 (CN)",
        "origin=中国",
        "origin=CN",
        "origin=China",
        "region=陕西省 (610000)",
        "region=610000",
        "hs_chapter=94 家具",
        "hs_chapter=9401",
    ):
        body = client.get("/warnings/", {k: v for k, v in [query.split("=", 1)]}).content.decode()
        assert notice.title in body, query
    for query in ("origin=德国 (DE)", "region=黑龙江省 (230000)", "hs_chapter=95 玩具"):
        body = client.get("/warnings/", {k: v for k, v in [query.split("=", 1)]}).content.decode()
        assert notice.title not in body and "共 0 条" in body, query
