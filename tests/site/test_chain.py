"""Issue 26 item 8: one page for a risk's whole chain, reached from any of its records, each entry scoped to the
viewer."""

import pytest

from riskgate.site.chain import chain
from tests.site.work import chained_world


def _references(found) -> set[str]:
    return {entry.reference for entry in found.entries}


def test_the_same_chain_from_every_record(world):
    made = chained_world(world)
    officer = world.user("warning")
    everything = {obj.reference for obj in made.values()}
    starts = {
        "information": made["information"],
        "assessment": made["assessment"],
        "warning": made["warning"],
        "measure": made["measure"],
        "recall": made["recall"],
    }
    for kind, obj in starts.items():
        found = chain(officer, kind, obj.pk)
        assert found is not None and found.start.reference == obj.reference, kind
        assert _references(found) == everything, (kind, everything ^ _references(found))
    times = [entry.at for entry in found.entries]
    assert times == sorted(times), "a timeline, oldest first"
    rule = next(e for e in found.entries if e.kind == "rule")
    assert "命中 1，不合格 1" in rule.detail


def test_each_viewer_sees_only_its_own_part(world):
    made = chained_world(world)
    port = _references(chain(world.user("port"), "measure", made["measure"].pk))
    assert made["measure"].reference in port and made["task"].reference in port
    assert made["assessment"].reference not in port and made["obligation"].reference not in port
    enterprise = chain(world.user("enterprise"), "recall", made["recall"].pk)
    seen = _references(enterprise)
    assert {made["recall"].reference, made["obligation"].reference, made["warning"].reference} <= seen
    assert not seen & {made["information"].reference, made["assessment"].reference, made["task"].reference}
    assert chain(world.user("harbin"), "information", made["information"].pk) is None, "not harbin's to read"
    public_only = _references(chain(world.user("harbin"), "warning", made["warning"].pk))
    assert public_only == {made["warning"].reference}, "a public warning, and nothing of Xi'an's behind it"


def test_the_page_links_each_entry_where_the_viewer_may_open_it(world):
    made = chained_world(world)
    page = world.client_for("warning").get(f"/chain/warning/{made['warning'].pk}/").content.decode()
    for name in ("information", "assessment", "measure", "obligation", "recall"):
        assert made[name].reference in page, name
    assert f'href="/assessments/{made["assessment"].pk}/"' in page
    detail = world.client_for("warning").get(f"/intake/{made['information'].pk}/").content.decode()
    assert f'href="/chain/information/{made["information"].pk}/"' in detail
    english = world.client_for("warning")
    english.cookies["django_language"] = "en"
    assert "Whole chain of the risk" in english.get(f"/chain/warning/{made['warning'].pk}/").content.decode()


@pytest.mark.parametrize("path", ["/chain/nothing/1/", "/chain/warning/999999/", f"/chain/warning/{2**60}/"])
def test_unknown_records_answer_404(world, path):
    assert world.client_for("warning").get(path).status_code == 404
    assert world.client_for("anonymous").get(path).status_code == 302
