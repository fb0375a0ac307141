"""The JSON API: token authentication and scope, one error format, bad input rejected with nothing stored."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from riskgate.accounts import services
from riskgate.accounts.models import ApiToken, Organisation
from riskgate.core.models import AuditEvent
from riskgate.core.permissions import Permission
from tests.accounts.factories import fresh_uscc


def issue(world, *, org="xian-customs", permissions=(Permission.ORG_ORGANISATION_VIEW,), expires_at=None):
    return services.issue_token(
        world.user("admin"),
        name="单一窗口",
        organisation=world.org(org),
        permissions=[p.value for p in permissions],
        expires_at=expires_at,
    )


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_token_is_stored_only_as_a_digest(world):
    issued = issue(world)
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith(f"rg_{token.prefix}_")
    stored = json.dumps(list(ApiToken.objects.values().filter(pk=token.pk)), default=str)
    random_part = issued.secret.removeprefix(f"rg_{token.prefix}_")
    assert len(random_part) >= 40 and issued.secret not in stored and random_part not in stored


def test_token_client_reads_within_its_organisation_subtree(world):
    issued = issue(world)
    client = Client()
    me = client.get("/api/v1/me", **bearer(issued.secret)).json()
    assert (
        me["kind"] == "api_token"
        and me["organisation"] == "西安海关"
        and me["permissions"] == ["org:organisation:view"]
    )
    orgs = client.get("/api/v1/organisations", {"page_size": 100}, **bearer(issued.secret)).json()
    codes = {o["code"] for o in orgs["items"]}
    assert "ent-xian-trading" in codes and "ent-harbin-timber" not in codes and "gacc" not in codes
    harbin = world.org("ent-harbin-timber")
    assert client.get(f"/api/v1/organisations/{harbin.pk}", **bearer(issued.secret)).status_code == 404


def test_token_reads_are_audited_with_the_token_as_actor(world):
    issued = issue(world)
    ent = world.org("ent-xian-trading")
    Client().get(f"/api/v1/organisations/{ent.pk}", **bearer(issued.secret))
    event = AuditEvent.objects.get(action="view", object_id=str(ent.pk))
    assert event.actor is None and event.actor_repr.startswith(f"token:{issued.token.prefix}")
    assert event.organisation == world.org("xian-customs")


def test_token_without_a_permission_is_refused(world):
    issued = issue(world)
    response = Client().get("/api/v1/audit/events", **bearer(issued.secret))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_revoked_and_expired_tokens_stop_working(world):
    issued = issue(world)
    client = Client()
    assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 200
    services.revoke_token(world.user("admin"), issued.token, reason="leaked")
    response = client.get("/api/v1/me", **bearer(issued.secret))
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert AuditEvent.objects.filter(action="api_token.revoked", reason="leaked").exists()

    soon = issue(world, expires_at=timezone.now() + dt.timedelta(minutes=5))
    ApiToken.objects.filter(pk=soon.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", **bearer(soon.secret)).status_code == 401


def test_a_token_of_a_deactivated_organisation_stops_working(world):
    issued = issue(world)
    client = Client()
    assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 200
    Organisation.objects.filter(pk=world.org("xian-customs").pk).update(is_active=False)
    assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 401


def test_the_token_is_read_as_the_orm_reads_it(world):
    """The token look-up is raw SQL on the hot path: its fields come back with the ORM's types on every backend."""
    from riskgate.accounts.services import _token_by_digest

    issued = issue(world, expires_at=timezone.now() + dt.timedelta(days=3))
    token = _token_by_digest(issued.token.digest)
    expected = ApiToken.objects.select_related("organisation").get(pk=issued.token.pk)
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) == getattr(expected, field.attname), field.name
    for field in Organisation._meta.concrete_fields:
        assert getattr(token.organisation, field.attname) == getattr(expected.organisation, field.attname)
    assert token.permissions == ["org:organisation:view"] and token.expires_at.tzinfo is not None
    assert _token_by_digest("0" * 64) is None


def test_unknown_token_is_refused(world):
    assert Client().get("/api/v1/me", **bearer("rg_deadbeef_notarealtoken")).status_code == 401


def test_token_cannot_carry_permissions_its_issuer_lacks(world):
    from riskgate.accounts.models import Role

    role = Role.objects.get(code="bureau_officer")
    role.permissions = [*role.permissions, Permission.API_TOKEN_MANAGE.value]
    role.save()
    with pytest.raises(ValidationError, match="不能授予自己没有的权限"):
        services.issue_token(
            world.user("xian"),
            name="x",
            organisation=world.org("xian-customs"),
            permissions=[Permission.AUDIT_EVENT_VIEW.value],
            expires_at=None,
        )
    with pytest.raises(ValidationError, match="辖区内"):
        services.issue_token(
            world.user("xian"), name="x", organisation=world.org("harbin-customs"), permissions=[], expires_at=None
        )


def test_token_pages_issue_show_once_and_revoke(world):
    client = world.client_for("system_admin")
    response = client.post(
        "/tokens/new/",
        {
            "name": "市场监管共享",
            "organisation": world.org("sn-market-regulation").pk,
            "permissions": ["org:organisation:view"],
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="市场监管共享")
    assert f"rg_{token.prefix}_".encode() in response.content
    listing = client.get("/tokens/")
    assert f"rg_{token.prefix}_…".encode() in listing.content
    client.post(f"/tokens/{token.pk}/revoke/", {"reason": "测试"})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_form_rejects_an_expiry_in_the_past(world):
    response = world.client_for("system_admin").post(
        "/tokens/new/",
        {
            "name": "过期",
            "organisation": world.org("gacc").pk,
            "permissions": ["org:organisation:view"],
            "expires_at": "2020-01-01T00:00",
        },
    )
    assert response.status_code == 400 and not ApiToken.objects.filter(name="过期").exists()


# ----- bad input: clear 4xx, one error format, nothing stored ----------------------------------------------


def enterprise(world, **overrides):
    payload = {
        "name": "接口测试企业有限公司",
        "code": "api-ent-1",
        "uscc": fresh_uscc(),
        "parent_id": world.org("xianyang-customs").pk,
    }
    payload.update(overrides)
    return payload


def post_json(client, url, payload, **extra):
    return client.post(url, json.dumps(payload, ensure_ascii=False), content_type="application/json", **extra)


def test_bureau_registers_an_enterprise_through_the_api(world):
    response = post_json(
        world.client_for("bureau_officer"), "/api/v1/organisations/enterprises", enterprise(world, region_code="610400")
    )
    assert response.status_code == 201, response.content
    body = response.json()
    org = Organisation.objects.get(pk=body["id"])
    assert org.kind == "enterprise" and org.parent == world.org("xianyang-customs") and org.region_id == "610400"


@pytest.mark.parametrize(
    "uscc,expected",
    [
        ("91610100MA6TDEM01X", "校验位错误"),
        ("91610100MA6TDEM0IL", "不允许的字符"),
        ("9161010", "应为18位"),
    ],
)
def test_invalid_credit_code_is_refused_with_a_clear_message(world, uscc, expected):
    before = Organisation.objects.count()
    response = post_json(
        world.client_for("bureau_officer"), "/api/v1/organisations/enterprises", enterprise(world, uscc=uscc)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert any(e["field"] == "uscc" for e in body["errors"]), body
    assert expected in json.dumps(body, ensure_ascii=False)
    assert Organisation.objects.count() == before


def test_enterprise_outside_the_jurisdiction_is_refused(world):
    before = Organisation.objects.count()
    response = post_json(
        world.client_for("bureau_officer"),
        "/api/v1/organisations/enterprises",
        enterprise(world, parent_id=world.org("suifenhe-customs").pk),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "parent_id"
    assert Organisation.objects.count() == before


def test_duplicate_credit_code_is_refused(world):
    uscc = world.org("ent-xian-trading").uscc
    response = post_json(
        world.client_for("bureau_officer"), "/api/v1/organisations/enterprises", enterprise(world, uscc=uscc)
    )
    assert response.status_code == 422 and "uscc" in {e["field"] for e in response.json()["errors"]}


def test_unknown_region_is_refused(world):
    response = post_json(
        world.client_for("bureau_officer"), "/api/v1/organisations/enterprises", enterprise(world, region_code="999999")
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "region_code"


def test_malformed_json_is_refused(world):
    client = world.client_for("bureau_officer")
    response = client.post("/api/v1/organisations/enterprises", '{"name": "x", ', content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["errors"]) == ("malformed_json", [])
    assert body["message"].startswith("请求内容不是有效的 JSON：第 1 行第 ")


def test_wrong_content_type_is_refused(world):
    before = Organisation.objects.count()
    response = world.client_for("bureau_officer").post(
        "/api/v1/organisations/enterprises", "name=x&uscc=y", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    assert Organisation.objects.count() == before


def test_oversized_body_is_refused(world, settings):
    settings.MAX_REQUEST_BODY_BYTES = 10_000
    settings.MAX_UPLOAD_BODY_BYTES = 10_000  # forms are multipart: they have their own (larger) limit
    before = Organisation.objects.count()
    payload = enterprise(world, address="长" * 20_000)
    response = post_json(world.client_for("bureau_officer"), "/api/v1/organisations/enterprises", payload)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
    page = world.client_for("bureau_officer").post("/organisations/enterprises/new/", {"name": "x" * 20_000})
    assert page.status_code == 413 and "请求内容过大".encode() in page.content
    assert Organisation.objects.count() == before


def test_invalid_query_parameter_gets_the_error_format(world):
    response = world.client_for("bureau_officer").get("/api/v1/organisations", {"kind": "spaceship"})
    body = response.json()
    assert response.status_code == 422 and body["code"] == "validation_error" and body["errors"][0]["field"] == "kind"


def test_pagination_reports_count_and_caps_page_size(world):
    response = world.client_for("system_admin").get("/api/v1/regions", {"page": 1, "page_size": 10})
    body = response.json()
    assert body["count"] == 81 and len(body["items"]) == 10
    page2 = world.client_for("system_admin").get("/api/v1/regions", {"page": 2, "page_size": 10}).json()
    assert page2["items"][0]["code"] != body["items"][0]["code"]


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("xian"), backend="django.contrib.auth.backends.ModelBackend")
    response = post_json(client, "/api/v1/organisations/enterprises", enterprise(world))
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"


def test_openapi_is_published_and_documents_the_error_format(world):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "RiskGate API"
    assert "/api/v1/organisations/enterprises" in schema["paths"]
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui-bundle.js" in docs.content and b"cdn" not in docs.content.lower()


def test_enterprise_form_in_the_ui_validates_the_credit_code(world):
    client = world.client_for("bureau_officer")
    before = Organisation.objects.count()
    bad = client.post(
        "/organisations/enterprises/new/",
        {
            "name": "表单企业",
            "code": "form-ent",
            "uscc": "91610100MA6TDEM01X",
            "parent": world.org("xianyang-customs").pk,
        },
    )
    assert bad.status_code == 400 and "校验位错误".encode() in bad.content
    assert Organisation.objects.count() == before
    good = client.post(
        "/organisations/enterprises/new/",
        {
            "name": "表单企业",
            "code": "form-ent",
            "uscc": fresh_uscc(),
            "parent": world.org("xianyang-customs").pk,
            "enterprise_types": ["importer"],
        },
    )
    assert good.status_code == 302
    assert Organisation.objects.get(code="form-ent").enterprise_types == ["importer"]


def test_token_manager_cannot_revoke_a_token_outside_its_jurisdiction(world):
    from django.core.exceptions import PermissionDenied

    from riskgate.accounts.models import Role

    national = issue(world, org="gacc")
    role = Role.objects.get(code="bureau_officer")
    role.permissions = [*role.permissions, Permission.API_TOKEN_MANAGE.value]
    role.save()
    client = world.client_for("bureau_officer")
    assert client.post(f"/tokens/{national.token.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert f"rg_{national.token.prefix}_" not in client.get("/tokens/").content.decode()
    with pytest.raises(PermissionDenied):
        services.revoke_token(world.user("xian"), national.token)
    national.token.refresh_from_db()
    assert national.token.revoked_at is None


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions?page=99999999999999999999999",
        "/api/v1/regions?page_size=99999999999999999999999",
        "/api/v1/organisations?page=0",
        "/api/v1/intake/information?organisation=99999999999999999999999",
        "/api/v1/audit/events?page=-1",
    ],
)
def test_out_of_range_numbers_get_a_clear_422(world, url):
    response = world.client_for("system_admin").get(url)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_huge_ids_in_pages_answer_404_not_500(world):
    client = world.client_for("system_admin")
    huge = "9" * 23
    assert client.get(f"/intake/{huge}/").status_code == 404
    assert client.get(f"/organisations/{huge}/").status_code == 404
    assert client.get("/intake/", {"page": huge}).status_code == 200, "an impossible page shows the last one"
