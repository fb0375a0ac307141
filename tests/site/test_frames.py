"""core.frames: a public page joined from its kept frame is the page rendered whole; the frame is kept per
language and page for anonymous visitors only, and never when it used the CSRF token. Also the Python-built
pieces of the portal's page (pager, language links, the filter form's kept fields, the result items read with
only their fields) render what their templates rendered."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.template import engines
from django.test import Client, RequestFactory
from django.utils import translation

from riskgate.core import forms as core_forms
from riskgate.core import frames
from riskgate.warnings import portal_index, queries
from riskgate.warnings.forms import PortalFilterForm
from tests.warnings.factories import published

PATHS = ["/warnings/", "/warnings/?q=折叠椅", "/warnings/?q=%3Cscript%3E%22&level=I&page=2", "/warnings/?origin=zz"]


@pytest.fixture
def fresh():
    frames.forget()
    cache.clear()
    yield
    frames.forget()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_page_joined_from_the_kept_frame_is_the_page_rendered_whole(world, fresh, monkeypatch, language):
    published(world, {"title": '折叠椅 <b>&"x', "title_en": "Folding <chair>"})
    queries.forget_data_version()
    client = Client()
    client.cookies["django_language"] = language
    with time_machine.travel(dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC), tick=False):
        with monkeypatch.context() as patch:
            patch.setattr(frames, "personal", lambda request: True)  # as for a visitor with a session: whole
            whole = [client.get(path).content.decode() for path in PATHS]
        rendered = []
        render_frame = frames._render_frame
        monkeypatch.setattr(frames, "_render_frame", lambda *a: rendered.append(a) or render_frame(*a))
        for path, expected in zip(PATHS, whole, strict=True):
            cache.clear()  # not the page cache: the frame
            assert client.get(path).content.decode() == expected, path
    assert len(rendered) == 1  # one frame for the four searches
    assert ("Risk warnings" if language == "en" else "风险预警") in whole[0]
    assert "&lt;script&gt;" in whole[2] and "<script>" not in whole[2]


def test_each_language_has_its_frame_and_signed_in_officers_their_own(world, fresh):
    published(world)
    queries.forget_data_version()
    visitor = Client()
    assert 'lang="zh-Hans"' in visitor.get("/warnings/").content.decode()
    visitor.cookies["django_language"] = "en"
    english = visitor.get("/warnings/").content.decode()
    assert '<html lang="en">' in english and "Risk warnings" in english
    officer = Client()
    officer.force_login(world.user("warning"))
    page = officer.get("/warnings/").content.decode()
    assert "预警管理" in page and "退出" in page  # the officer's navigation and sign-out, not the visitor's frame
    again = Client().get("/warnings/?q=x").content.decode()
    assert "预警管理" not in again and "退出" not in again


def test_a_signed_in_user_without_cookies_still_gets_a_frame_of_their_own(world, fresh):
    request = RequestFactory().get("/warnings/")
    request.user = world.user("warning")
    page = frames.render_framed(request, "warnings/portal.html", {"content": "正文", "language_links": ""})
    assert not frames._frames and "预警管理" in page.content.decode()


def test_a_frame_that_used_the_csrf_token_is_never_kept(fresh, monkeypatch):
    template = engines["django"].from_string("<form>{% csrf_token %}</form>{{ parts.content }}")
    monkeypatch.setattr(
        frames, "render_to_string", lambda name, context, request=None: template.render(context, request)
    )
    pages = []
    for _visitor in range(2):
        request = RequestFactory().get("/warnings/")
        request.user = AnonymousUser()
        pages.append(frames.render_framed(request, "any.html", {"content": "正文"}).content.decode())
    assert not frames._frames
    tokens = [page.split('value="')[1].split('"')[0] for page in pages]
    assert tokens[0] != tokens[1] and all("正文" in page for page in pages)


def render_pager(count: int, number: int, query: str) -> str:
    page = Paginator(list(range(count)), 20).get_page(number)
    with translation.override("zh-hans"):
        return engines["django"].from_string("{% load riskgate %}{% pager %}").render({"page": page, "query": query})


def test_one_page_has_no_pager():
    assert render_pager(15, 1, "q=x") == ""


def test_the_pager_gives_the_total_the_page_numbers_and_a_jump_keeping_the_filters():
    html = render_pager(400, 10, "q=%3C%E5%8F%AC%E5%9B%9E%3E&level=I")  # 20 pages, on page 10, ?q=<召回>
    href = "?q=%3C%E5%8F%AC%E5%9B%9E%3E&amp;level=I&amp;page="
    assert '<span class="total">共 400 条</span>' in html
    assert f'<a href="{href}9" rel="prev">上一页</a>' in html and f'<a href="{href}11" rel="next">下一页</a>' in html
    numbers = [f'<a href="{href}{n}">{n}</a>' for n in (1, 8, 9, 11, 12, 20)]
    assert all(n in html for n in numbers) and f'<a href="{href}7">' not in html and html.count("…") == 2
    assert '<span aria-current="page" title="第 10 / 20 页">10</span>' in html
    # The jump box sends the filters again (decoded, escaped as attribute values) with the page asked for.
    assert '<input type="hidden" name="q" value="&lt;召回&gt;">' in html
    assert '<input type="hidden" name="level" value="I">' in html
    assert 'name="page" min="1" max="20" value="10"' in html


def test_the_last_page_has_no_next_link():
    html = render_pager(45, 3, "")
    assert 'rel="prev"' in html and 'rel="next"' not in html and '<span aria-current="page"' in html
    assert html.count('<input type="hidden"') == 0


def test_the_language_links_lead_back_to_this_address_escaped():
    request = RequestFactory().get("/warnings/?q=%22%3C%E5%8F%AC%E5%9B%9E%3E%22&page=2")  # ?q="<召回>" as sent
    with translation.override("en"):
        html = engines["django"].from_string("{% load warning_tags %}{% language_links %}").render({}, request)
    back = "/warnings/%3Fq%3D%2522%253C%25E5%258F%25AC%25E5%259B%259E%253E%2522%26page%3D2"
    assert html == (
        f'<div class="lang"><a class="button" href="/warnings/language/?language=zh-hans&amp;next={back}" '
        f'lang="zh-hans" hreflang="zh-hans">简体中文</a><a class="button" href="/warnings/language/?language=en'
        f'&amp;next={back}" lang="en" hreflang="en" aria-current="true">English</a></div>'
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {"q": "召回 <b>", "level": "I"}, {"origin": "zz", "since": "2026-13-01"}, {"level": "V", "q": "x" * 300}],
)
def test_the_kept_fields_of_the_filter_form_are_the_fields_rendered_afresh(language, data, monkeypatch):
    with translation.override(language):
        kept = [str(core_forms.plain_fields(_validated(data))) for _twice in range(2)]
        monkeypatch.setattr(PortalFilterForm, "plain_fields_memo", False)
        assert kept[0] == kept[1] == str(core_forms.plain_fields(_validated(data)))


def test_kept_fields_are_bounded(monkeypatch):
    monkeypatch.setattr(core_forms, "FIELD_MEMO", 30)
    core_forms._field_memo.clear()
    for n in range(20):
        core_forms.plain_fields(_validated({"q": f"词{n}"}))
    assert len(core_forms._field_memo) <= 30


def _validated(data):
    form = PortalFilterForm(data)
    form.is_valid()
    return form


def test_result_items_are_read_with_their_fields_only_and_kept(world, django_assert_num_queries):
    from riskgate.warnings.templatetags.warning_tags import RESULT_ITEM_FIELDS, result_item

    for _n in range(3):
        published(world)
    queries.forget_data_version()
    result = portal_index.search({})
    ids = result.ids[:3].tolist()
    with translation.override("zh-hans"):
        with django_assert_num_queries(1):  # the rows with their organisation; nothing deferred read later
            first = result.html(ids, "zh-hans", result_item, RESULT_ITEM_FIELDS)
        with django_assert_num_queries(0):
            assert result.html(ids, "zh-hans", result_item, RESULT_ITEM_FIELDS) == first
        assert first == [result_item(notice) for notice in result[:3]]
