"""The assessment API: request, read in scope, vote, extensions, decision; system tokens may read with the
permission but never decide; refusals come in the one error format and store nothing."""

import datetime as dt

import pytest

from riskgate.assessment import services
from riskgate.assessment.models import Assessment, Status
from tests.assessment.factories import bring_to_panel, request, verified_item


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_request_read_vote_decide(world):
    info = verified_item(world)
    warning = world.client_for("warning")
    response = post(
        warning,
        "/api/v1/assessments",
        {
            "title": "接口提请的研判",
            "information": [info.pk],
            "hazard_type": "physical",
            "assignee_kind": "institution",
            "institution_id": world.org("caiq").pk,
            "lead_id": world.user("assessor").pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested" and body["information"] == [info.pk] and body["reference"].endswith("-v1")
    a = Assessment.objects.get(pk=body["id"])
    bring_to_panel(world, a)
    assert post(world.client_for("expert"), f"/api/v1/assessments/{a.pk}/vote", {"approve": True}).status_code == 200
    dissent = post(world.client_for("expert2"), f"/api/v1/assessments/{a.pk}/vote", {"approve": False})
    assert dissent.status_code == 422 and dissent.json()["errors"][0]["field"] == "note"
    post(world.client_for("expert2"), f"/api/v1/assessments/{a.pk}/vote", {"approve": False, "note": "依据不足"})
    services.submit(world.user("assessor"), a)
    detail = world.client_for("assessor").get(f"/api/v1/assessments/{a.pk}").json()
    assert [s["vote"] for s in detail["panel"]] == ["approve", "dissent"]
    assert detail["scenarios"][0]["probability"] == "1/100" and detail["risk_level"] == "serious"
    decided = post(warning, f"/api/v1/assessments/{a.pk}/decision", {"decision": "amend", "level": "I", "note": "升级"})
    assert decided.status_code == 200 and decided.json()["confirmed_level"] == "I" and decided.json()["amended"]
    listed = warning.get("/api/v1/assessments?status=confirmed").json()
    assert [item["id"] for item in listed["items"]] == [a.pk]


def test_extension_through_the_api(world):
    a = request(world, verified_item(world))
    assessor = world.client_for("assessor")
    services.start(world.user("assessor"), a)
    new_due = (a.due_at + dt.timedelta(days=3)).isoformat()
    response = post(assessor, f"/api/v1/assessments/{a.pk}/extension", {"new_due_at": new_due, "reason": "等样品"})
    assert response.status_code == 200
    decided = post(world.client_for("warning"), f"/api/v1/assessments/{a.pk}/extension/decision", {"grant": True})
    assert decided.status_code == 200
    assert Assessment.objects.get(pk=a.pk).due_at == a.due_at + dt.timedelta(days=3)


def test_tokens_read_with_the_permission_but_never_decide(world):
    from riskgate.accounts import services as accounts

    a = request(world, verified_item(world))
    bring_to_panel(world, a)
    for username in ("expert", "expert2"):
        services.vote(world.user(username), a, approve=True)
    services.submit(world.user("assessor"), a)
    secret = accounts.issue_token(
        world.user("admin"),
        name="analytics",
        organisation=world.org("gacc-warning-office"),
        permissions=["assessment:assessment:view", "assessment:assessment:request"],
        expires_at=None,
    ).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    from django.test import Client

    client = Client()
    assert client.get(f"/api/v1/assessments/{a.pk}", **headers).status_code == 200
    refused = client.post(
        f"/api/v1/assessments/{a.pk}/decision", {"decision": "confirm"}, content_type="application/json", **headers
    )
    assert refused.status_code == 403 and set(refused.json()) == {"code", "message", "errors"}
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED
    other = accounts.issue_token(
        world.user("admin"), name="no assessments", organisation=world.org("gacc"), permissions=[], expires_at=None
    ).secret
    assert client.get("/api/v1/assessments", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"information": []}, "information"),
        ({"hazard_type": "radiation"}, "hazard_type"),
        ({"lead_id": 2**60}, "lead_id"),
        ({"assignee_kind": "working_group", "institution_id": None}, "members"),
    ],
)
def test_bad_requests_name_the_field_and_store_nothing(world, payload, field):
    info = verified_item(world)
    base = {
        "title": "x",
        "information": [info.pk],
        "hazard_type": "physical",
        "assignee_kind": "institution",
        "institution_id": world.org("caiq").pk,
        "lead_id": world.user("assessor").pk,
    }
    response = post(world.client_for("warning"), "/api/v1/assessments", {**base, **payload})
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Assessment.objects.exists()
