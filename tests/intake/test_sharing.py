"""Per-agency sharing scope (R-COL-5/6): what a partner agency reads beyond its own submissions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from riskgate.intake import services
from riskgate.intake.evidence import attach
from riskgate.intake.models import RiskInformation, SharingScope, Status


def item(world, username, title, hazard="physical", status=Status.VERIFIED, **extra):
    info = services.create_information(
        world.user(username),
        data={"source_type": "consumer_complaint", "channel": "hotline", "title": title, "hazard_types": [hazard]},
        reporter={"name": "王小明", "phone": "13800138000"},
        **extra,
    )
    RiskInformation.objects.filter(pk=info.pk).update(status=status)
    return info


@pytest.fixture
def shared(world):
    """Xi'an items verified and not; a Harbin item; the demo scope: Shaanxi market regulator ← Xi'an Customs."""
    return {
        "verified": item(world, "xian", "共享测试：已核实的充电宝起火"),
        "received": item(world, "xian", "共享测试：未核实的举报", status=Status.RECEIVED),
        "chemical": item(world, "xian", "共享测试：已核实的塑化剂超标", hazard="chemical"),
        "harbin": item(world, "harbin", "共享测试：哈尔滨的已核实信息"),
    }


def visible_titles(world, username="partner"):
    return set(RiskInformation.objects.visible_to(world.user(username)).values_list("title", flat=True))


def test_the_demo_scope_shares_verified_items_of_the_jurisdiction_only(world, shared):
    seen = visible_titles(world)
    assert shared["verified"].title in seen and shared["chemical"].title in seen
    assert shared["received"].title not in seen, "unverified reports are not shared"
    assert shared["harbin"].title not in seen, "other jurisdictions are not shared"
    # Another partner agency without a scope sees nothing of it.
    other = world.user("partner")
    other.organisation = world.org("cq-police")
    assert not RiskInformation.objects.visible_to(other).filter(pk=shared["verified"].pk).exists()


def test_the_scope_narrows_by_hazard_and_source_and_ends(world, shared):
    scope = SharingScope.objects.get(organisation=world.org("sn-market-regulation"))
    scope.hazard_types = ["chemical"]
    scope.save()
    assert visible_titles(world) & {shared["verified"].title, shared["chemical"].title} == {shared["chemical"].title}
    scope.hazard_types, scope.source_types = [], ["media"]
    scope.save()
    assert not visible_titles(world) & {shared["verified"].title, shared["chemical"].title}
    scope.source_types, scope.valid_until = [], dt.date(2020, 1, 1)
    scope.save()
    assert shared["verified"].title not in visible_titles(world), "an expired scope shares nothing"
    scope.valid_until, scope.active = None, False
    scope.save()
    assert shared["verified"].title not in visible_titles(world)
    scope.verified_only, scope.active = False, True
    scope.save()
    assert shared["received"].title in visible_titles(world)


def test_the_scope_is_validated(world):
    scope = SharingScope(organisation=world.org("xian-customs"), source_types=["rumour"], hazard_types=["magic"])
    with pytest.raises(ValidationError) as error:
        scope.full_clean()
    assert {"organisation", "source_types", "hazard_types"} <= set(error.value.message_dict)


def test_partners_read_shared_items_without_personal_data_or_files(world, shared):
    info = shared["verified"]
    RiskInformation.objects.filter(pk=info.pk).update(status=Status.RECEIVED)
    services.transition(world.user("xian"), info, to_status="under_verification", reason="内部核实理由")
    RiskInformation.objects.filter(pk=info.pk).update(status=Status.VERIFIED)
    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    evidence = attach(info, [photo], actor=world.user("xian"))[0]
    client = world.client_for("partner")
    page = client.get(reverse("intake:detail", kwargs={"pk": info.pk}))
    body = page.content.decode()
    assert page.status_code == 200 and info.title in body
    assert "王小明" not in body and "13800138000" not in body
    reporter = body.split('id="h-reporter"')[1].split("</section>")[0]
    assert "王" not in reporter and "138" not in reporter and "*" not in reporter, "no initial or length either"
    assert 'id="h-history"' not in body, "the shared view has no internal history"
    assert "xian" not in body.split("<main")[1] and "内部核实理由" not in body
    assert "photo.png" not in body, "evidence is not shared"
    url = reverse("intake:evidence_download", kwargs={"pk": info.pk, "evidence_id": evidence.pk})
    assert client.get(url).status_code == 404
    assert client.post(reverse("intake:transition", kwargs={"pk": info.pk}), {"to_status": "closed"}).status_code in (
        403,
        404,
    )
    api = client.get("/api/v1/intake/information?q=共享测试").json()
    assert {i["title"] for i in api["items"]} == {shared["verified"].title, shared["chemical"].title}
    assert "王小明" not in str(api) and "13800138000" not in str(api)
    assert client.get(f"/api/v1/intake/information/{shared['received'].pk}").status_code == 404
    assert client.get(f"/api/v1/intake/information/{shared['harbin'].pk}").status_code == 404


def test_partners_submit_and_read_their_own(world):
    client = world.client_for("partner")
    response = client.post(
        "/api/v1/intake/batches",
        {
            "items": [
                {"external_id": "SAMR-1", "title": "市场监管抽检：电动自行车电池不合格", "hazard_types": "physical"}
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["created"] == 1
    own = RiskInformation.objects.get(external_id="SAMR-1")
    assert own.organisation == world.org("sn-market-regulation") and own.channel == "partner_api"
    assert client.get(f"/api/v1/intake/information/{own.pk}").status_code == 200
