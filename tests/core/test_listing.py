"""Officer lists people can work with (issue 26, item 4): column headers that sort, the order and the filters kept
by the pager and the headers, the title as the row's link, and the card layout's hooks."""

import re
from html import unescape

import pytest
from django.http import QueryDict
from django.urls import reverse

from riskgate.core.listing import by, sorting
from riskgate.intake import services
from riskgate.intake.models import RiskInformation, Status

COLUMNS = {"title": by("title"), "received": by("received_at", descending_first=True)}


def test_the_order_comes_from_the_address_and_an_unknown_key_falls_back_to_the_default():
    order = sorting(QueryDict("sort=-title&status=verified&page=3"), COLUMNS, "-received")
    assert (order.key, order.descending, order.others) == ("title", True, "status=verified")
    assert sorting(QueryDict("sort=password"), COLUMNS, "-received").key == "received"
    assert sorting(QueryDict("sort=-"), COLUMNS, "-received").descending is True
    assert sorting(QueryDict(""), COLUMNS, "title").descending is False


def test_a_header_link_turns_the_current_order_round_and_starts_another_column_its_own_way():
    order = sorting(QueryDict("sort=title&q=召回"), COLUMNS, "-received")
    assert order.href("title") == "?q=%E5%8F%AC%E5%9B%9E&sort=-title"  # the current column: the other way
    assert order.href("received") == "?q=%E5%8F%AC%E5%9B%9E&sort=-received"  # dates start with the newest
    assert sorting(QueryDict(""), COLUMNS, "-received").href("title") == "?sort=title"


def _item(world, title, status=Status.VERIFIED):
    info = services.create_information(
        world.user("xian"),
        data={"source_type": "consumer_complaint", "channel": "hotline", "title": title, "hazard_types": ["physical"]},
    )
    RiskInformation.objects.filter(pk=info.pk).update(status=status)
    return info


def _titles(html: str, marker: str) -> list[str]:
    return [unescape(t) for t in re.findall(rf'<a href="/intake/\d+/">({marker}[^<]*)</a>', html)]


def _header(html: str, label: str) -> str:
    match = re.search(rf'<th scope="col" aria-sort="(\w+)"><a class="sort" href="([^"]+)"[^>]*>{label}<', html)
    assert match, f"no sortable header {label}"
    return match.group(1), unescape(match.group(2))


def test_the_intake_list_sorts_by_a_header_both_ways_and_keeps_the_filters(world):
    for title in ("排序乙 电热水壶", "排序甲 充电宝", "排序丙 吹风机"):
        _item(world, title)
    _item(world, "排序丁 未核实", status=Status.RECEIVED)
    client = world.client_for("xian")
    page = client.get("/intake/?q=排序&status=verified").content.decode()
    assert _titles(page, "排序") == ["排序丙 吹风机", "排序甲 充电宝", "排序乙 电热水壶"]  # newest first
    state, href = _header(page, "标题")
    assert state == "none" and "status=verified" in href and "sort=title" in href
    ascending = client.get(f"/intake/{href}").content.decode()
    assert _titles(ascending, "排序") == ["排序丙 吹风机", "排序乙 电热水壶", "排序甲 充电宝"]
    state, href = _header(ascending, "标题")
    assert state == "ascending" and "sort=-title" in href
    descending = client.get(f"/intake/{href}").content.decode()
    assert _titles(descending, "排序") == ["排序甲 充电宝", "排序乙 电热水壶", "排序丙 吹风机"]
    assert _header(descending, "标题")[0] == "descending"
    # The filter form keeps the order when the filters change.
    assert '<input type="hidden" name="sort" value="-title"' in descending


def test_the_pager_keeps_the_order_and_the_filters_of_every_list(world):
    """Before issue 26.4 the assessment, measure, task and warning lists dropped their filters on page 2."""
    for n in range(55):
        _item(world, f"分页排序 {n:02d}")
    client = world.client_for("xian")
    page = client.get("/intake/?q=分页排序&sort=title").content.decode()
    assert _titles(page, "分页排序")[:2] == ["分页排序 00", "分页排序 01"]
    nxt = unescape(re.search(r'<a href="([^"]+)" rel="next">', page).group(1))
    assert "sort=title" in nxt and "q=" in nxt and "page=2" in nxt
    second = client.get(f"/intake/{nxt}").content.decode()
    assert _titles(second, "分页排序") == ["分页排序 50", "分页排序 51", "分页排序 52", "分页排序 53", "分页排序 54"]


def test_a_list_reorders_and_the_row_links_its_title(world):
    """The title, not the reference, is the row's link; the reference is a code beside it."""
    info = _item(world, "标题链接测试 充电宝")
    page = world.client_for("xian").get("/intake/?q=标题链接测试").content.decode()
    assert f'<a href="/intake/{info.pk}/">标题链接测试 充电宝</a>' in page
    assert f"<code>{info.reference}</code>" in page
    assert f'<a href="/intake/{info.pk}/">{info.reference}</a>' not in page


# Every officer list, as a role that reads it: each sortable header answers, marks itself, and turns round.
LISTS = [
    ("intake:list", "bureau_officer"),
    ("intake:cases", "bureau_officer"),
    ("intake:links", "bureau_officer"),
    ("intake:enterprise_reports", "enterprise_user"),
    ("assessment:list", "bureau_officer"),
    ("warnings:manage_list", "warning_officer"),
    ("warnings:inbox", "port_officer"),
    ("targeting:rules", "bureau_officer"),
    ("targeting:tasks", "port_officer"),
    ("response:list", "bureau_officer"),
    ("response:recalls", "bureau_officer"),
    ("response:obligations", "bureau_officer"),
    ("accounts:organisation_list", "bureau_officer"),
    ("accounts:user_list", "system_admin"),
    ("core:audit_list", "auditor"),
]


@pytest.mark.parametrize(("name", "role"), LISTS)
def test_every_officer_list_is_a_card_table_whose_headers_sort_it(world, name, role):
    client = world.client_for(role)
    url = reverse(name)
    page = client.get(url).content.decode()
    assert re.search(r'<table class="[^"]*\brows\b', page), "the list is shown as cards on a phone (table.rows)"
    headers = re.findall(r'<th scope="col" aria-sort="(\w+)"><a class="sort" href="([^"]+)"[^>]*>([^<]+)<', page)
    if name == "intake:links":  # ordered by score: its headers describe a pair, none of them is a column to sort
        assert headers == []
        return
    assert len(headers) >= 2, f"{url} has sortable headers"
    for _state, href, label in headers:
        response = client.get(url + unescape(href))
        assert response.status_code == 200, (url, href)
        shown = response.content.decode()
        marked = re.search(rf'<th scope="col" aria-sort="(\w+)"><a class="sort" href="[^"]+"[^>]*>{label}<', shown)
        assert marked and marked.group(1) in ("ascending", "descending"), (url, href, label)
