"""EPCIS 2.0 capture: GS1's examples accepted, corrupted copies refused with the schema's error path and nothing
stored, a bulk capture all or nothing, retries idempotent, and every read scoped to the capturing enterprise or
the officers of its jurisdiction."""

import copy
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client

from riskgate.accounts import services as accounts
from riskgate.core.models import AuditEvent
from riskgate.core.permissions import Permission
from riskgate.trace import epcis
from riskgate.trace.models import Capture, TraceEvent, TraceIdentifier

EPCIS = Path(settings.RISKGATE_SHARED_DATA) / "schemas" / "epcis2"
EXAMPLES = sorted((EPCIS / "examples").glob("*.jsonld")) + sorted((EPCIS / "JSON-Schema" / "test").glob("*.json"))
# What a capture takes: documents and the five event types (the examples also hold a query document, a result
# format, and an extension event type, which the schema accepts and capture does not).
CAPTURABLE = [p for p in EXAMPLES if json.loads(p.read_text())["type"] in ("EPCISDocument", *epcis.EVENT_TYPES)]


def token(world, org="ent-xian-trading", user="enterprise", permissions=(Permission.TRACE_EVENT_CAPTURE,)):
    issued = accounts.issue_token(
        world.user(user), name="追溯系统", organisation=world.org(org), permissions=[p.value for p in permissions],
        expires_at=None,
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}


def post(headers, document, path="/api/v1/epcis/capture"):
    return Client().post(path, json.dumps(document), content_type="application/ld+json", **headers)


def corrupt(document: dict) -> tuple[dict, str]:
    """A copy without the first event's eventTime, and where the schema must say it is missing."""
    broken = copy.deepcopy(document)
    if broken["type"] == "EPCISDocument":
        del broken["epcisBody"]["eventList"][0]["eventTime"]
        return broken, "/epcisBody/eventList/0"
    del broken["eventTime"]
    return broken, "/"


def test_the_shipped_schema_is_gs1s():
    assert epcis.SCHEMA.read_bytes() == (EPCIS / "EPCIS-JSON-Schema.json").read_bytes()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_valid(path):
    assert epcis.schema_errors(json.loads(path.read_text())) == []


@pytest.mark.parametrize("path", CAPTURABLE, ids=lambda p: p.name)
def test_every_capturable_example_is_captured_and_a_corrupted_copy_refused(world, path):
    headers = token(world)
    document = json.loads(path.read_text())
    broken, where = corrupt(document)
    refused = post(headers, broken)
    assert refused.status_code == 422, refused.content
    errors = refused.json()["errors"]
    assert any(e["field"] == where and "eventTime" in e["message"] for e in errors), errors
    assert not TraceEvent.objects.exists() and not Capture.objects.exists()

    answer = post(headers, document)
    assert answer.status_code == 202, answer.content
    body = answer.json()
    expected = len(epcis.events_of(document))
    assert body["events"] == expected == TraceEvent.objects.count()
    assert answer["Location"].startswith("/api/v1/epcis/capture/")
    assert TraceEvent.objects.filter(organisation=world.org("ent-xian-trading")).count() == expected
    job = Client().get(answer["Location"], **headers).json()
    assert job["success"] and sorted(job["eventIDs"]) == sorted(body["eventIDs"])


def test_a_bulk_capture_with_one_invalid_event_stores_nothing(world):
    headers = token(world)
    event = json.loads((EPCIS / "examples" / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    template = event["epcisBody"]["eventList"][0]
    events = []
    for n in range(1000):
        one = copy.deepcopy(template)
        one["eventID"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        events.append(one)
    events[500]["action"] = "JUMP"
    document = {**event, "epcisBody": {"eventList": events}}
    answer = post(headers, document)
    assert answer.status_code == 422
    fields = [e["field"] for e in answer.json()["errors"]]
    assert fields[0] == "/epcisBody/eventList/500/action" and all(
        f.startswith("/epcisBody/eventList/500") for f in fields
    )
    assert TraceEvent.objects.count() == 0 and TraceIdentifier.objects.count() == 0 and Capture.objects.count() == 0
    events[500]["action"] = "OBSERVE"
    assert post(headers, document).status_code == 202
    assert TraceEvent.objects.count() == 1000 and TraceIdentifier.objects.count() == 2000


def test_a_retried_capture_stores_nothing_twice_and_an_eventid_cannot_be_taken(world):
    document = json.loads((EPCIS / "examples" / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    mine = token(world)
    assert post(mine, document).json()["events"] == 2
    again = post(mine, document).json()
    assert again["events"] == 0 and again["skipped"] == 2 and TraceEvent.objects.count() == 2
    changed = copy.deepcopy(document)
    changed["epcisBody"]["eventList"][1]["disposition"] = "damaged"
    refused = post(mine, changed)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "/epcisBody/eventList/1/eventID"
    other = token(world, org="ent-baoji-toys", user="admin")
    assert post(other, document).status_code == 422  # another enterprise cannot claim the same events
    assert TraceEvent.objects.count() == 2


def test_bad_bodies_get_one_clear_error(world):
    headers = token(world)
    client = Client()
    answer = client.post("/api/v1/epcis/capture", "{not json", content_type="application/json", **headers)
    assert answer.status_code in (400, 422) and answer.json()["message"]
    assert post(headers, [1, 2]).status_code == 422
    assert post(headers, {"type": "EPCISQueryDocument"}).status_code == 422
    assert not TraceEvent.objects.exists()


def test_capture_is_refused_without_the_permission(world):
    document = json.loads((EPCIS / "examples" / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    assert post({}, document).status_code == 401
    reader = token(world, permissions=(Permission.TRACE_EVENT_VIEW,))
    assert post(reader, document).status_code == 403
    port = Client()
    port.force_login(world.user("port"))
    assert port.post("/api/v1/epcis/capture", json.dumps(document), content_type="application/json").status_code == 403
    assert not TraceEvent.objects.exists()


def test_events_are_read_only_by_their_enterprise_and_its_jurisdiction(world):
    document = json.loads((EPCIS / "examples" / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    post(token(world), document)
    event_id = document["epcisBody"]["eventList"][0]["eventID"]
    readers = {
        "enterprise": 2,
        "xian": 2,  # the bureau of the enterprise's jurisdiction
        "warning": 2,
    }
    for username, count in readers.items():
        client = Client()
        client.force_login(world.user(username))
        found = client.get("/api/v1/epcis/events").json()
        assert len(found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == count, username
        assert epcis.schema_errors(found) == []  # the answer is a valid EPCISQueryDocument
        assert client.get(f"/api/v1/epcis/events/{quote(event_id, safe='')}").status_code == 200
    other = token(world, org="ent-baoji-toys", user="admin", permissions=(Permission.TRACE_EVENT_VIEW,))
    client = Client()
    empty = client.get("/api/v1/epcis/events", **other).json()
    assert empty["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []
    assert client.get(f"/api/v1/epcis/events/{quote(event_id, safe='')}", **other).status_code == 404
    capture = Capture.objects.get()
    assert client.get(f"/api/v1/epcis/capture/{capture.pk}", **other).status_code == 404
    assert Client().get("/api/v1/epcis/events").status_code == 401
    assert AuditEvent.objects.filter(action="trace.captured", object_id=str(capture.pk)).count() == 1


def test_the_event_query_matches_an_epc_in_either_syntax(world):
    document = json.loads((EPCIS / "examples" / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    post(token(world), document)
    client = Client()
    client.force_login(world.user("enterprise"))
    urn = client.get("/api/v1/epcis/events", {"MATCH_anyEPC": "urn:epc:id:sgtin:0614141.107346.2018"}).json()
    link = client.get("/api/v1/epcis/events", {"MATCH_anyEPC": "https://id.gs1.org/01/10614141073464/21/2018"}).json()

    def ids(answer):
        return [e["eventID"] for e in answer["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]

    assert len(ids(urn)) == 2 and ids(urn) == ids(link)
    assert len(ids(client.get("/api/v1/epcis/events", {"EQ_bizStep": "receiving"}).json())) == 1
