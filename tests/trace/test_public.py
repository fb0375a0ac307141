"""The chain of a batch and the public trace query: a batch a public warning names shows it, another batch of the
same product does not, and the public view carries nothing confidential."""

from django.test import Client

from riskgate.trace import demo, queries, services
from riskgate.trace.models import Stage
from tests.warnings.factories import published

GTIN = demo.GTIN


def capture_demo_chains(world):
    importer = world.user("enterprise")
    for n, lot in enumerate((demo.COVERED_LOT, demo.CLEAR_LOT)):
        from django.utils import timezone

        services.capture(
            importer, demo.chain_document(lot, timezone.now().replace(microsecond=0), f"6101202610{n:08d}")
        )


def test_the_chain_runs_through_every_stage_and_links_the_declaration(world):
    capture_demo_chains(world)
    found = queries.chain(world.user("xian"), GTIN, demo.COVERED_LOT)
    assert [s["stage"] for s in found.stages] == [
        Stage.PRODUCTION, Stage.INSPECTION, Stage.LOGISTICS, Stage.DECLARATION, Stage.SALE,
    ]  # fmt: skip
    assert len(found.events) == 6 and found.declarations == ["610120261000000000"]
    assert len(queries.chain(world.user("enterprise"), GTIN, demo.COVERED_LOT).events) == 6
    # Another enterprise sees none of the importer's events.
    from riskgate.accounts.models import Role, User

    other = User.objects.create(
        username="baoji-ent", organisation=world.org("ent-baoji-toys"), role=Role.objects.get(code="enterprise_user")
    )
    assert queries.chain(other, GTIN, demo.COVERED_LOT).events == []


def test_a_public_warning_on_the_batch_is_found_and_the_other_batch_is_clear(world):
    capture_demo_chains(world)
    notice, _approver = published(world, {"gtins": ["6901234000016"], "batches": [demo.COVERED_LOT]})
    covered = queries.public_trace(GTIN, demo.COVERED_LOT)
    assert covered.found and [w.pk for w in covered.warnings] == [notice.pk] and covered.origin_country == "CN"
    clear = queries.public_trace(GTIN, demo.CLEAR_LOT)
    assert clear.found and clear.warnings == []
    unknown = queries.public_trace(GTIN, "NOPE")
    assert not unknown.found and unknown.warnings == []

    page = Client().get("/trace/", {"gtin": GTIN, "item": demo.COVERED_LOT})
    html = page.content.decode()
    assert page.status_code == 200 and notice.reference in html and 'id="trace-alert"' in html
    for secret in ("秦岭示例", "urn:epc:id:sgln", "6101202610", "PAP2409018"):
        assert secret not in html  # no enterprise, place, declaration or other batch
    link = Client().get(f"/trace/01/{GTIN}/10/{demo.CLEAR_LOT}/")
    assert link.status_code == 200 and 'id="trace-clear"' in link.content.decode()
    scanned = Client().get("/trace/", {"code": f"https://id.gs1.org/01/{GTIN}/10/{demo.COVERED_LOT}"})
    assert notice.reference in scanned.content.decode()
    api = Client().get("/api/v1/public/trace", {"gtin": GTIN, "item": demo.COVERED_LOT}).json()
    assert api["warnings"][0]["reference"] == notice.reference and "organisation" not in str(api)


def test_a_warning_for_all_batches_covers_both_and_a_lifted_or_private_one_none(world):
    capture_demo_chains(world)
    notice, _approver = published(world, {"gtins": [GTIN]})
    assert queries.public_trace(GTIN, demo.CLEAR_LOT).warnings
    from riskgate.warnings.models import WarningNotice

    WarningNotice.objects.filter(pk=notice.pk).update(public=False)
    assert not queries.public_trace(GTIN, demo.CLEAR_LOT).warnings


def test_bad_codes_get_a_clear_message(world):
    client = Client()
    for query, field in (({"code": "hello"}, "无法识别"), ({"gtin": "6901234000017", "item": "A"}, "校验位"),
                         ({"gtin": GTIN}, "批号")):  # fmt: skip
        answer = client.get("/trace/", query)
        assert answer.status_code == 400 and field in answer.content.decode()
    assert client.get("/api/v1/public/trace", {"gtin": "6901234000017", "item": "A"}).status_code == 422
