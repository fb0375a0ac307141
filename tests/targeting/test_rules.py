"""Control rules as records: issued, changed as new versions and retired by authorised officers in their
jurisdiction, retired with their warning, audited — and a change reaches a running worker's engine within a
second."""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError

from riskgate.core.models import AuditEvent
from riskgate.targeting import live, services
from riskgate.targeting.engine import parse_item
from riskgate.targeting.models import ControlRule, RuleSetState, RuleStatus
from tests.warnings.factories import published

BATTERIES = {"hs_prefixes": ["8507"], "origin_countries": ["CN"], "action": "inspect"}


def _item(**changes):
    data = {
        "declaration_id": "D1",
        "item_no": 1,
        "direction": "import",
        "hs_code": "8507600090",
        "origin_country": "CN",
        "enterprise_ids": [],
        "port": "CNSHA",
        "description": "power bank",
        "value": 10,
        "declared_at": "2026-11-30T00:00:00Z",
        **changes,
    }
    return parse_item(data)


@pytest.fixture(autouse=True)
def fresh_engine():
    live.reset()
    yield
    live.reset()


def test_issue_change_retire_as_versions(world):
    officer = world.user("xian")
    rule = services.issue(officer, BATTERIES, reason="锂电池过热风险")
    assert (rule.reference, rule.status, rule.organisation.code) == (f"CR{rule.pk:08d}-v1", "active", "xian-customs")
    assert rule.engine_rule().hs_prefixes == ("8507",)
    second = services.change(officer, rule, {"action": "hold", "min_value": 1000}, reason="升级为扣留")
    rule.refresh_from_db()
    assert (rule.status, second.version, second.lineage_id, second.action) == ("superseded", 2, rule.pk, "hold")
    assert second.hs_prefixes == ["8507"] and second.min_value == 1000  # unchanged criteria carried over
    with pytest.raises(ValidationError, match="至少改变"):
        services.change(officer, second, {"action": "hold"}, reason="无变化")
    with pytest.raises(ValidationError, match="生效中"):
        services.change(officer, rule, {"action": "reject"}, reason="旧版本")
    with pytest.raises(ValidationError, match="理由"):
        services.retire(officer, second, reason=" ")
    services.retire(officer, second, reason="风险已消除")
    assert ControlRule.objects.get(pk=second.pk).status == RuleStatus.RETIRED
    actions = list(AuditEvent.objects.filter(action__startswith="control_rule.").values_list("action", flat=True))
    assert sorted(actions) == ["control_rule.changed", "control_rule.issued", "control_rule.retired"]
    assert RuleSetState.objects.get(pk=1).version == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"hs_prefixes": ["85x7"], "action": "inspect"}, "hs_prefixes"),
        ({"origin_countries": ["ZZ"], "action": "inspect"}, "origin_countries"),
        ({"action": "arrest"}, "action"),
        ({"action": "sample", "sampling_rate": 2}, "sampling_rate"),
        ({"action": "inspect", "colour": "red"}, "colour"),
    ],
)
def test_bad_criteria_are_refused_at_their_field(world, data, field):
    with pytest.raises(ValidationError) as error:
        services.issue(world.user("xian"), data)
    assert field in error.value.message_dict
    assert not ControlRule.objects.exists()


@pytest.mark.parametrize("username", ["port", "enterprise", "partner", "auditor", "expert"])
def test_only_officers_issue_rules(world, username):
    with pytest.raises(PermissionDenied):
        services.issue(world.user(username), BATTERIES)


def test_another_bureau_cannot_change_or_retire_a_rule(world):
    rule = services.issue(world.user("xian"), BATTERIES)
    with pytest.raises(ValidationError, match="辖区"):
        services.change(world.user("harbin"), rule, {"action": "hold"}, reason="越权")
    with pytest.raises(ValidationError, match="辖区"):
        services.retire(world.user("harbin"), rule, reason="越权")
    assert ControlRule.objects.get(pk=rule.pk).status == RuleStatus.ACTIVE
    assert list(ControlRule.objects.visible_to(world.user("harbin"))) == []
    assert list(ControlRule.objects.visible_to(world.user("warning"))) == [rule]  # the office above sees it


def test_lifting_a_warning_retires_its_rules(world):
    from riskgate.response.services.lifting import lift_warning
    from riskgate.warnings.services import evaluate

    notice, approver = published(world)
    rule = services.issue(world.user("warning"), BATTERIES, warning=notice, reason="依据预警下达")
    other = services.issue(world.user("warning"), {"hs_prefixes": ["9503"], "action": "document_check"})
    evaluate(world.user("warning"), notice, measures_done="召回完成", new_incidents=0, recommendation="lift")
    lift_warning(approver, notice, reason="风险已消除")
    assert ControlRule.objects.get(pk=rule.pk).status == RuleStatus.RETIRED
    assert ControlRule.objects.get(pk=other.pk).status == RuleStatus.ACTIVE
    event = AuditEvent.objects.get(action="control_rule.retired")
    assert "已解除" in event.reason


def test_the_live_engine_follows_the_database(world):
    assert live.engine().screen([_item()])[0]["action"] == "release"
    rule = services.issue(world.user("xian"), BATTERIES)
    live._state["checked"] = float("-inf")  # as if POLL_SECONDS had passed
    assert live.engine().screen([_item()])[0] == {
        "declaration_id": "D1",
        "item_no": 1,
        "matched_rules": (rule.reference,),
        "action": "inspect",
    }
    first = live.engine()
    assert live.engine() is first  # not rebuilt while nothing changed


def test_a_server_worker_builds_its_engine_before_its_first_request(world, monkeypatch):
    from riskgate import gunicorn_conf

    rule = services.issue(world.user("xian"), BATTERIES)
    live.reset()
    gunicorn_conf.post_worker_init(worker=None)  # as gunicorn calls it, before the worker accepts connections
    assert live._state["version"] == RuleSetState.objects.get().version and rule.reference in live._state["rule_pks"]
    assert live._state["engine"].screen([_item()])[0]["action"] == "inspect"

    def not_migrated(*args, **kwargs):
        raise DatabaseError("no such table: targeting_rulesetstate")

    live.reset()
    monkeypatch.setattr(RuleSetState.objects, "filter", not_migrated)
    assert live.warm() is False and live._state["version"] is None  # the first request builds it instead


def test_a_rule_change_reaches_a_running_worker_within_a_second(live_world):
    """A worker thread screens the same item in a loop, as a web or Celery worker serves requests; the main
    thread issues a rule and then changes it. Each change is seen by the worker within one second."""
    from django.db import connection

    seen: list[tuple[float, str]] = []
    stop = threading.Event()

    def worker():
        try:
            while not stop.is_set():
                seen.append((time.monotonic(), live.engine().screen([_item()])[0]["action"]))
                time.sleep(0.01)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        time.sleep(0.3)
        issued_at = time.monotonic()
        rule = services.issue(live_world.user("xian"), BATTERIES)  # committed: no surrounding transaction
        _wait_for(seen, "inspect", issued_at)
        changed_at = time.monotonic()
        services.change(live_world.user("xian"), rule, {"action": "reject"}, reason="升级")
        _wait_for(seen, "reject", changed_at)
    finally:
        stop.set()
        thread.join()


def _wait_for(seen, action: str, since: float) -> None:
    deadline = since + 1.0
    while time.monotonic() < deadline + 0.5:
        hits = [at for at, seen_action in list(seen) if seen_action == action and at >= since]
        if hits:
            assert hits[0] - since < 1.0, f"{action} seen after {hits[0] - since:.2f} s"
            return
        time.sleep(0.01)
    raise AssertionError(f"the worker never saw {action}")


ITEM = {
    "declaration_id": "2026113000000001",
    "item_no": 1,
    "direction": "import",
    "hs_code": "8507600090",
    "origin_country": "CN",
    "enterprise_ids": ["91610000MA6TG1234X"],
    "port": "CNXIY",
    "description": "锂离子移动电源",
    "value": 1520.5,
    "declared_at": "2026-11-30T09:00:00+08:00",
}


def test_single_window_screens_a_declaration_and_every_decision_is_kept(world):
    from riskgate.targeting.models import ScreeningDecision

    rule = services.issue(world.user("xian"), BATTERIES)
    client = world.client_for("port")
    items = [ITEM, {**ITEM, "item_no": 2, "hs_code": "9503001000", "description": "玩具"}]
    response = client.post("/api/v1/screening/declarations", {"items": items}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["results"] == [
        {
            "declaration_id": ITEM["declaration_id"],
            "item_no": 1,
            "matched_rules": [rule.reference],
            "action": "inspect",
            "random": False,
        },
        {
            "declaration_id": ITEM["declaration_id"],
            "item_no": 2,
            "matched_rules": [],
            "action": "release",
            "random": False,
        },
    ]
    kept = ScreeningDecision.objects.order_by("item_no")
    assert [(d.item_no, d.action, d.matched_rules) for d in kept] == [
        (1, "inspect", [rule.reference]),
        (2, "release", []),
    ]
    assert kept[0].item == ITEM and kept[0].rule_set_version == body["rule_set_version"] == 1
    assert kept[0].screened_by.username == "port" and kept[0].organisation.code == world.user("port").organisation.code
    # The decision is explained by the rule version it names, whose criteria never change afterwards.
    assert ControlRule.objects.get(pk=rule.pk).to_exchange()["hs_prefixes"] == ["8507"]


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([ITEM, {**ITEM, "item_no": 2, "hs_code": "85O7"}], "items[1].hs_code"),
        ([{**ITEM, "value": "1520"}], "items[0].value"),
        ([{**ITEM, "colour": "red"}], "items[0].colour"),
        ([ITEM, ITEM], "items"),  # the same item twice
        ([ITEM, {**ITEM, "declaration_id": "OTHER"}], "items"),  # two declarations: the batch endpoint's job
    ],
)
def test_bad_declarations_are_refused_and_nothing_is_kept(world, items, field):
    from riskgate.targeting.models import ScreeningDecision

    response = world.client_for("port").post(
        "/api/v1/screening/declarations", {"items": items}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not ScreeningDecision.objects.exists()


def test_the_hot_path_stores_what_the_orm_would_store(world):
    """Decisions, tasks and their rule links are written by core.fastpath.bulk, not bulk_create: the rows read back
    equal those of the same values saved through the ORM, the ids continue the tables' sequences on either database,
    and the timestamps are the request's moment."""
    from django.utils import timezone

    from riskgate.targeting.models import InspectionTask, ScreeningDecision

    rule = services.issue(world.user("xian"), BATTERIES)
    toys = services.issue(world.user("xian"), {"keywords": ["玩具"], "action": "hold"})
    before = timezone.now()
    items = [
        ITEM,
        {
            **ITEM,
            "item_no": 2,
            "hs_code": "9503001000",
            "description": "玩具 Straße «ß»",
            "enterprise_ids": ["E1", "E2"],
        },
        {**ITEM, "item_no": 3, "hs_code": "0101210000", "description": "马"},
    ]
    response = world.client_for("port").post(
        "/api/v1/screening/declarations", {"items": items}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    port = world.user("port")
    kept = list(ScreeningDecision.objects.order_by("item_no"))
    assert [d.item_no for d in kept] == [1, 2, 3] and len({d.pk for d in kept}) == 3
    assert all(before <= d.screened_at <= timezone.now() for d in kept)
    twin = ScreeningDecision.objects.create(
        declaration_id=kept[1].declaration_id,
        item_no=kept[1].item_no,
        item=items[1],
        action="hold",
        matched_rules=[toys.reference],
        rule_set_version=kept[1].rule_set_version,
        screened_by=port,
        organisation=port.organisation,
        policy=kept[1].policy,
        factor=kept[1].factor,
    )
    assert twin.pk > max(d.pk for d in kept)  # the sequence moved past the ids the hot path took
    columns = [f.attname for f in ScreeningDecision._meta.concrete_fields if f.attname not in ("id", "screened_at")]
    rows = {r["id"]: r for r in ScreeningDecision.objects.values("id", *columns)}
    assert {k: v for k, v in rows[kept[1].pk].items() if k != "id"} == {
        k: v for k, v in rows[twin.pk].items() if k != "id"
    }
    assert rows[kept[1].pk]["item"]["description"] == "玩具 Straße «ß»"
    tasks = list(InspectionTask.objects.order_by("item_no"))
    assert [(t.item_no, t.decision_id, t.action, t.status, t.kind) for t in tasks] == [
        (1, kept[0].pk, "inspect", "open", "screening"),
        (2, kept[1].pk, "hold", "open", "screening"),
    ]
    assert [list(t.rules.values_list("pk", flat=True)) for t in tasks] == [[rule.pk], [toys.pk]]
    assert tasks[1].enterprises == "|E1|E2|" and tasks[1].hs_code == "9503001000" and tasks[1].item == items[1]
    assert all(before <= t.created_at <= timezone.now() for t in tasks)
    later = InspectionTask.objects.create(
        declaration_id="D9",
        item_no=1,
        item=ITEM,
        hs_code=ITEM["hs_code"],
        action="inspect",
        organisation=port.organisation,
    )
    assert later.pk > tasks[-1].pk


def test_a_batch_larger_than_one_statement_keeps_each_task_on_its_own_decision(world):
    """insert_returning splits a batch into statements (SQLite binds at most 999 values: 76 decisions a
    statement); the ids it reads back must belong to the rows in order, or tasks would point at other items."""
    from riskgate.targeting.models import InspectionTask, ScreeningDecision

    services.issue(world.user("xian"), BATTERIES)
    items = [{**ITEM, "declaration_id": f"D{n // 3}", "item_no": n % 3 + 1, "value": n} for n in range(300)]
    response = world.client_for("port").post(
        "/api/v1/screening/batches", {"items": items}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    decisions = {d.pk: d for d in ScreeningDecision.objects.all()}
    assert len(decisions) == 300 and InspectionTask.objects.count() == 300
    for task in InspectionTask.objects.all():
        decision = decisions[task.decision_id]
        assert (task.declaration_id, task.item_no) == (decision.declaration_id, decision.item_no)
        assert decision.item["value"] == task.item["value"] == int(decision.declaration_id[1:]) * 3 + task.item_no - 1


def test_batches_take_many_declarations(world):
    items = [{**ITEM, "declaration_id": f"D{n}"} for n in range(3)]
    response = world.client_for("port").post(
        "/api/v1/screening/batches", {"items": items}, content_type="application/json"
    )
    assert response.status_code == 200 and len(response.json()["results"]) == 3


def test_the_single_window_screens_with_an_api_token(world):
    from django.test import Client

    from riskgate.accounts.services import issue_token
    from riskgate.targeting.models import ScreeningDecision

    port = world.user("port")
    issued = issue_token(
        world.user("admin"),
        name="单一窗口",
        organisation=port.organisation,
        permissions=["targeting:declaration:screen"],
        expires_at=None,
    )
    response = Client().post(
        "/api/v1/screening/declarations",
        {"items": [ITEM]},
        content_type="application/json",
        headers={"authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 200, response.content
    decision = ScreeningDecision.objects.get()
    assert (decision.token_id, decision.screened_by, decision.organisation_id) == (
        issued.token.pk,
        None,
        port.organisation_id,
    )
    reader = issue_token(
        world.user("admin"),
        name="只读",
        organisation=port.organisation,
        permissions=["targeting:rule:view"],
        expires_at=None,
    )
    denied = Client().post(
        "/api/v1/screening/declarations",
        {"items": [ITEM]},
        content_type="application/json",
        headers={"authorization": f"Bearer {reader.secret}"},
    )
    assert denied.status_code == 403 and ScreeningDecision.objects.count() == 1
