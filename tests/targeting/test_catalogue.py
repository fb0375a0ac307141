"""The legal-inspection catalogue at screening (R-USE-3, decision 0031): an item of a catalogue commodity without
its certificate reference — or with a malformed one — gets a document check, explained by the catalogue version;
with its references it is released; the catalogue is adjusted as versions, from a confirmed assessment too, and
reaches the workers with the rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from riskgate.core.models import AuditEvent
from riskgate.targeting import live
from riskgate.targeting import services as rules
from riskgate.targeting.models import CatalogueVersion, InspectionTask, PortOffice, ScreeningDecision
from riskgate.targeting.services import catalogue, screening

ITEM = {
    "declaration_id": "2026120700000001",
    "item_no": 1,
    "direction": "import",
    "hs_code": "8507600090",
    "origin_country": "CN",
    "enterprise_ids": ["6101930001"],
    "port": "CNXIY",
    "description": "锂离子移动电源",
    "value": 1520.5,
    "declared_at": "2026-12-07T09:00:00+08:00",
}
CCC = {"kind": "ccc", "number": "2024010911234567"}
INSPECTION = {"kind": "inspection", "number": "610120261234567890"}


@pytest.fixture(autouse=True)
def setting(world):
    from riskgate.accounts.models import Organisation
    from riskgate.targeting.services import supervision

    live.reset()
    PortOffice.objects.create(code="CNXIY", organisation=Organisation.objects.get(code="xian-airport-port"))
    supervision.change_policy(world.user("warning"), {"random_rate": 0, "min_random_rate": 0}, reason="测试")
    catalogue.adjust(
        world.user("warning"),
        reason="锂离子电池和移动电源纳入 CCC 认证",
        add=[{"hs_prefix": "850760", "name": "锂离子蓄电池", "legal_inspection": True, "ccc": True},
             {"hs_prefix": "0904", "name": "胡椒、辣椒干", "legal_inspection": True, "ccc": False}],
    )  # fmt: skip
    yield
    live.reset()


def screen(world, *items):
    live.reset()
    return screening.screen(world.user("port"), list(items), one_declaration=False)[0]


def test_a_catalogue_item_without_its_references_gets_a_document_check(world):
    results = screen(
        world,
        ITEM,
        {**ITEM, "item_no": 2, "certificates": [CCC, INSPECTION]},
        {**ITEM, "item_no": 3, "certificates": [{**CCC, "number": "CCC-123"}, INSPECTION]},
        {**ITEM, "item_no": 4, "hs_code": "9403200000"},
        {**ITEM, "item_no": 5, "hs_code": "0904211000", "certificates": [INSPECTION]},
        {**ITEM, "item_no": 6, "direction": "export", "certificates": [INSPECTION]},  # CCC is an entry check
    )
    assert [r["action"] for r in results] == [
        "document_check", "release", "document_check", "release", "release", "release",
    ]  # fmt: skip
    assert results[0]["matched_rules"] == ("CAT-v1:inspection", "CAT-v1:ccc")
    assert results[2]["matched_rules"] == ("CAT-v1:ccc",)  # a malformed number is no reference
    task = InspectionTask.objects.get(item_no=1)
    assert task.action == "document_check" and task.organisation.code == "xian-airport-port"
    explained = screening.explain(ScreeningDecision.objects.get(item_no=1))
    assert explained["reproduced"] and [r["holds"] for r in explained["rules"]] == [True, True]


def test_a_stronger_rule_keeps_its_action_and_both_are_named(world):
    rule = rules.issue(world.user("xian"), {"hs_prefixes": ["8507"], "origin_countries": ["CN"], "action": "inspect"})
    (result,) = screen(world, ITEM)
    assert result["action"] == "inspect" and result["matched_rules"] == (
        rule.reference,
        "CAT-v1:inspection",
        "CAT-v1:ccc",
    )


def test_bad_certificates_are_refused_with_the_field_named(world):
    with pytest.raises(ValidationError) as refused:
        screen(world, {**ITEM, "certificates": [{"kind": "licence", "number": "1"}]})
    assert "items[0].certificates[0].kind" in refused.value.message_dict
    assert not ScreeningDecision.objects.exists()


def test_an_adjustment_is_a_new_version_that_reaches_screening(world):
    from tests.warnings.factories import confirmed_assessment

    basis = confirmed_assessment(world)
    version = catalogue.adjust(world.user("warning"), reason="研判确认后移出", remove=["850760"], basis=basis)
    assert version.number == 2 and version.basis == basis
    assert list(version.entries.values_list("hs_prefix", flat=True)) == ["0904"]
    (result,) = screen(world, {**ITEM, "declaration_id": "2026120700000002"})
    assert result["action"] == "release"  # the workers took the new version with the rules
    assert list(CatalogueVersion.objects.get(number=1).entries.values_list("hs_prefix", flat=True)) == [
        "0904",
        "850760",
    ]  # the old version stays as it was: past decisions are explained by it
    with pytest.raises(ValidationError):
        catalogue.adjust(world.user("warning"), reason="x", remove=["9999"])
    with pytest.raises(PermissionDenied):
        catalogue.adjust(world.user("port"), reason="x", remove=["0904"])
    assert AuditEvent.objects.filter(action="catalogue.adjusted").count() == 2


def test_the_page_adjusts_the_catalogue_as_a_browser_posts(world):
    officer = world.client_for("warning")
    post = {
        "hs_prefix": "9503",
        "name": "玩具",
        "legal_inspection": "on",
        "ccc": "on",
        "reason": "玩具纳入",
        "basis": "",
    }
    assert officer.post("/targeting/catalogue/", post).status_code == 302
    assert CatalogueVersion.objects.get(number=2).entries.filter(hs_prefix="9503", ccc=True).exists()
    assert world.client_for("port").post("/targeting/catalogue/", post).status_code == 403
    assert "9503" in world.client_for("port").get("/targeting/catalogue/").content.decode()


def test_a_batch_is_looked_up_with_numpy_as_a_declaration_is_item_by_item():
    """The two ways `Catalogue.listed` finds catalogue commodities (a dictionary below SMALL_BATCH items, NumPy
    above) find the same items."""
    import random

    from riskgate.targeting.engine.catalogue import SMALL_BATCH, Catalogue, Entry

    rng = random.Random(20261207)
    codes = [str(rng.randrange(10**9, 10**10)) for _ in range(5000)] + ["85076000", "0904"]
    entries = {c: Entry(True, False) for c in rng.sample(codes[:5000], 500)}
    entries |= {c[:4]: Entry(True, True) for c in rng.sample(codes[:5000], 50)} | {"850760": Entry(True, True)}
    listed = Catalogue(1, entries)
    one_by_one = [i for i, c in enumerate(codes) if any(c[:n] in entries for n in listed.lengths)]
    assert listed.listed(codes) == one_by_one and len(one_by_one) > 500
    small = codes[-(SMALL_BATCH - 1) :]
    assert listed.listed(small) == [i for i, c in enumerate(small) if any(c[:n] in entries for n in listed.lengths)]
    assert Catalogue(2, {}).listed(codes) == []
