"""Inspection tasks from screening hits and random selections, outcomes with laboratory results, non-conformities
becoming risk information, rule effectiveness, differential supervision (policy versions, credit grades,
commodity records, reproducible random selection), retro-screening follow-ups, and the pages and API of it all —
with the denials."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from riskgate.core.models import AuditEvent
from riskgate.credit import queries as credit_queries
from riskgate.credit import services as credit_services
from riskgate.credit.models import GradeChange
from riskgate.intake.models import RiskInformation
from riskgate.targeting import live, queries, services
from riskgate.targeting.models import (
    CommodityRecord,
    ControlRule,
    HistoryExport,
    InspectionTask,
    PortOffice,
    RetroScreening,
    RuleSetState,
    ScreeningDecision,
    SupervisionPolicy,
    TaskStatus,
)
from riskgate.targeting.services import inspection, screening, supervision
from riskgate.targeting.services import retro as history

BATTERIES = {"hs_prefixes": ["8507"], "origin_countries": ["CN"], "action": "inspect"}
ITEM = {
    "declaration_id": "2026113000000001",
    "item_no": 1,
    "direction": "import",
    "hs_code": "8507600090",
    "origin_country": "CN",
    "enterprise_ids": ["6101930001"],
    "port": "CNXIY",
    "description": "锂离子移动电源",
    "value": 1520.5,
    "declared_at": "2026-11-30T09:00:00+08:00",
}
NO_RANDOM = {"random_rate": 0, "min_random_rate": 0}


@pytest.fixture(autouse=True)
def ports(world):
    from riskgate.accounts.models import Organisation

    live.reset()
    PortOffice.objects.create(code="CNXIY", organisation=Organisation.objects.get(code="xian-airport-port"))
    PortOffice.objects.create(code="CNSFH", organisation=Organisation.objects.get(code="suifenhe-rail-port"))
    yield
    live.reset()


def _screen(world, items, username="port"):
    live.reset()
    return screening.screen(world.user(username), items, one_declaration=False)[0]


def _no_random(world):
    supervision.change_policy(world.user("warning"), NO_RANDOM, reason="测试：关闭随机布控")


def test_hits_become_tasks_at_the_port_of_the_item(world):
    _no_random(world)
    rule = services.issue(world.user("xian"), BATTERIES)
    items = [
        ITEM,
        {**ITEM, "item_no": 2, "hs_code": "9503001000"},
        {**ITEM, "item_no": 3, "port": "CNSFH"},
        {**ITEM, "item_no": 4, "port": "CNZZZ"},
    ]
    results = _screen(world, items)
    assert [r["action"] for r in results] == ["inspect", "release", "inspect", "inspect"]
    tasks = {t.item_no: t for t in InspectionTask.objects.all()}
    assert sorted(tasks) == [1, 3, 4]  # no task for a release
    assert tasks[1].organisation.code == "xian-airport-port" and tasks[3].organisation.code == "suifenhe-rail-port"
    assert tasks[4].organisation.code == "xianyang-customs"  # no port office: the screening organisation
    assert [r.pk for r in tasks[1].rules.all()] == [rule.pk] and tasks[1].kind == "screening"
    assert tasks[1].decision.item == ITEM
    # Each port sees its own queue; another bureau sees nothing of Xi'an's.
    assert set(queries.tasks(world.user("port")).values_list("item_no", flat=True)) == {1, 4}
    assert set(queries.tasks(world.user("harbin")).values_list("item_no", flat=True)) == {3}
    with pytest.raises(PermissionDenied):
        queries.tasks(world.user("enterprise"))


def test_a_port_office_added_or_moved_reaches_running_workers_as_rules_do(world):
    """Workers read the port offices with the rules; a change to one in the admin bumps the rule-set version."""
    from django.urls import reverse

    from riskgate.accounts.models import Organisation
    from riskgate.targeting.models import RuleSetState

    admin = world.client_for("system_admin")
    airport = Organisation.objects.get(code="xian-airport-port")
    rail = Organisation.objects.get(code="suifenhe-rail-port")
    _no_random(world)
    services.issue(world.user("xian"), BATTERIES)
    _screen(world, [{**ITEM, "port": "CNZZZ"}])
    version = RuleSetState.objects.get().version
    added = admin.post(reverse("admin:targeting_portoffice_add"), {"code": "CNZZZ", "organisation": airport.pk})
    assert added.status_code == 302, added.content.decode()[:500]
    office = PortOffice.objects.get(code="CNZZZ")
    assert RuleSetState.objects.get().version == version + 1
    live._state["checked"] = float("-inf")  # as if POLL_SECONDS had passed
    screening.screen(world.user("port"), [{**ITEM, "port": "CNZZZ", "item_no": 2}], one_declaration=True)
    changed = admin.post(
        reverse("admin:targeting_portoffice_change", args=[office.pk]), {"code": "CNZZZ", "organisation": rail.pk}
    )
    assert changed.status_code == 302
    live._state["checked"] = float("-inf")
    screening.screen(world.user("port"), [{**ITEM, "port": "CNZZZ", "item_no": 3}], one_declaration=True)
    deleted = admin.post(reverse("admin:targeting_portoffice_delete", args=[office.pk]), {"post": "yes"})
    assert deleted.status_code == 302 and not PortOffice.objects.filter(code="CNZZZ").exists()
    assert RuleSetState.objects.get().version == version + 3
    live._state["checked"] = float("-inf")
    screening.screen(world.user("port"), [{**ITEM, "port": "CNZZZ", "item_no": 4}], one_declaration=True)
    where = dict(InspectionTask.objects.values_list("item_no", "organisation__code"))
    assert where == {1: "xianyang-customs", 2: "xian-airport-port", 3: "suifenhe-rail-port", 4: "xianyang-customs"}


def test_a_non_conforming_outcome_becomes_risk_information(world):
    _no_random(world)
    rule = services.issue(world.user("xian"), BATTERIES)
    _screen(world, [ITEM])
    task = InspectionTask.objects.get()
    lab = [
        {"test_item": "过充保护", "result": "失效", "unit": "", "limit": "GB 4943.1-2022 附录 M", "conforms": False},
        {"test_item": "标识", "result": "符合", "conforms": True},
    ]
    with pytest.raises(ValidationError, match="查验发现"):
        inspection.record_outcome(world.user("port"), task, outcome="non_conforming", lab_results=lab)
    with pytest.raises(ValidationError, match="不能为合格"):
        inspection.record_outcome(world.user("port"), task, outcome="conforming", lab_results=lab)
    with pytest.raises(PermissionDenied):
        inspection.record_outcome(world.user("harbin"), task, outcome="conforming")
    with pytest.raises(PermissionDenied):
        inspection.record_outcome(world.user("enterprise"), task, outcome="conforming")
    done = inspection.record_outcome(
        world.user("port"), task, outcome="non_conforming", findings="过充保护失效", lab_results=lab
    )
    assert (done.status, done.outcome, done.lab_results.count()) == ("done", "non_conforming", 2)
    info = RiskInformation.objects.get(pk=done.information_id)
    assert (info.source_type, info.external_id, info.organisation.code) == (
        "inspection_nonconformity",
        task.reference,
        "xian-airport-port",
    )
    assert info.hs_code_id == "850760" and info.origin_countries == ["CN"] and info.trade_direction == "import"
    assert "过充保护" in info.description and info.source_data["rules"] == [rule.reference]
    assert AuditEvent.objects.filter(action="inspection_task.completed", object_id=str(task.pk)).count() == 1
    assert AuditEvent.objects.filter(action="intake.created", object_id=str(info.pk)).count() == 1
    with pytest.raises(ValidationError, match="已办结"):
        inspection.record_outcome(world.user("port"), task, outcome="conforming")
    assert RiskInformation.objects.filter(source_type="inspection_nonconformity").count() == 1


def test_rule_effectiveness_counts_hits_inspections_and_non_conformities(world):
    _no_random(world)
    rule = services.issue(world.user("xian"), BATTERIES)
    other = services.issue(world.user("xian"), {"keywords": ["电源"], "action": "document_check"})
    _screen(world, [{**ITEM, "item_no": n} for n in (1, 2, 3)])
    first, second, _third = InspectionTask.objects.order_by("item_no")
    inspection.record_outcome(world.user("port"), first, outcome="non_conforming", findings="不合格")
    inspection.record_outcome(world.user("port"), second, outcome="conforming")
    figures = inspection.effectiveness([rule, other])
    assert figures[rule.pk] == {"hits": 3, "inspections": 2, "nonconformities": 1, "hit_rate": 0.5}
    assert figures[other.pk]["hits"] == 3  # both rules hit each item; the task carries the stronger action
    assert first.action == "inspect"
    changed = services.change(world.user("xian"), rule, {"action": "hold"}, reason="升级")
    _screen(world, [{**ITEM, "declaration_id": "D2"}])
    assert inspection.lineage_effectiveness(changed)["hits"] == 4


def _set_grade(world, enterprise, grade):
    """A manual grade: proposed by the warning office, in force once a second officer (Xi'an) approves it."""
    override = supervision.propose_credit_grade(world.user("warning"), enterprise, grade, reason="走私被处罚")
    assert credit_queries.grade_of(enterprise) != grade  # not before the second officer's review
    credit_services.decide_override(world.user("xian"), override, approve=True, note="复核同意")


def test_credit_grades_and_policy_versions_reach_the_engine_and_are_audited(world):
    from riskgate.accounts.models import Organisation

    enterprise = Organisation.objects.get(code="ent-xian-trading")
    warning = world.user("warning")
    version = RuleSetState.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    with pytest.raises(PermissionDenied):  # a port officer screens but changes no grade
        supervision.propose_credit_grade(world.user("port"), enterprise, "dishonest", reason="x")
    with pytest.raises(PermissionDenied):
        supervision.change_policy(world.user("port"), {"random_rate": 1}, reason="x")
    with pytest.raises(ValidationError) as error:
        supervision.change_policy(warning, {"grade_factors": {"regular": -1}}, reason="负系数")
    assert "grade_factors" in error.value.message_dict
    with pytest.raises(ValidationError, match="理由"):
        supervision.change_policy(warning, {"random_rate": 0.5}, reason="")
    policy = supervision.change_policy(
        warning,
        {"random_rate": 0.0, "min_random_rate": 0.0, "grade_factors": {"advanced": 0.2, "regular": 1, "dishonest": 3}},
        reason="试行",
    )
    grades_before = credit_queries.version()
    _set_grade(world, enterprise, "dishonest")
    assert RuleSetState.objects.get(pk=1).version == version + 1  # the policy; a grade moves credit's version
    assert credit_queries.version() > grades_before
    assert GradeChange.objects.get().after == "dishonest"
    assert AuditEvent.objects.filter(action="organisation.credit_grade_changed").get().changes == {
        "credit_grade": ["regular", "dishonest"]
    }
    assert AuditEvent.objects.filter(action="supervision_policy.changed", object_id=str(policy.pk)).exists()
    exchange = supervision.exchange_policy(policy)
    assert exchange["enterprise_grades"] == {enterprise.uscc: "dishonest", "6101930001": "dishonest"}
    services.issue(world.user("xian"), {**BATTERIES, "action": "sample", "sampling_rate": 0.3})
    results = _screen(world, [{**ITEM, "declaration_id": f"D{n}"} for n in range(400)])
    share = sum(r["action"] == "sample" for r in results) / 400
    assert 0.8 < share <= 1.0  # 0.3 × 3 for a dishonest importer
    assert ScreeningDecision.objects.filter(factor=3.0, policy=policy).count() == 400


def test_a_grade_changed_alone_reaches_every_running_engine(world):
    """No rule or policy changes: the workers' engines see a new grade through credit's version (targeting.live
    polls it beside the rule-set version), and the next screening applies its factor."""
    from riskgate.accounts.models import Organisation

    warning = world.user("warning")
    supervision.change_policy(
        warning,
        {"random_rate": 0.0, "min_random_rate": 0.0, "grade_factors": {"advanced": 0.2, "regular": 1, "dishonest": 3}},
        reason="试行",
    )
    services.issue(world.user("xian"), {**BATTERIES, "action": "sample", "sampling_rate": 0.3})
    live.reset()
    built = live.engine()
    live._state["checked"] = float("-inf")  # as if POLL_SECONDS had passed
    assert live.engine() is built  # nothing changed: no rebuild
    enterprise = Organisation.objects.get(code="ent-xian-trading")
    _set_grade(world, enterprise, "dishonest")
    live._state["checked"] = float("-inf")
    assert live.engine() is not built
    screening.screen(world.user("port"), [{**ITEM, "declaration_id": "G1"}], one_declaration=False)
    assert ScreeningDecision.objects.get(declaration_id="G1").factor == 3.0


def test_random_selection_is_stored_reproduced_and_explained(world):
    policy = supervision.change_policy(
        world.user("warning"), {"random_rate": 0.5, "min_random_rate": 0.1}, reason="加大随机抽查"
    )
    results = _screen(world, [{**ITEM, "declaration_id": f"R{n}"} for n in range(200)])
    chosen = [r for r in results if r.get("random")]
    assert 60 < len(chosen) < 140 and all(r["action"] == "inspect" and not r["matched_rules"] for r in chosen)
    decisions = ScreeningDecision.objects.filter(random=True)
    assert decisions.count() == len(chosen) and set(decisions.values_list("policy", flat=True)) == {policy.pk}
    assert InspectionTask.objects.filter(kind="random").count() == len(chosen)
    for decision in ScreeningDecision.objects.all()[:50]:
        explanation = screening.explain(decision)
        assert explanation["reproduced"], explanation
    decision = decisions.first()
    explanation = screening.explain(decision)
    assert explanation["random"]["policy"] == policy.reference and explanation["random"]["selected"]
    assert explanation["random"]["draw"] < explanation["random"]["rate"] == 0.5
    # A tampered record no longer reproduces.
    ScreeningDecision.objects.filter(pk=decision.pk).update(action="hold")
    decision.refresh_from_db()
    assert not screening.explain(decision)["reproduced"]


def test_commodity_records_raise_the_factor_and_the_job_is_idempotent(world):
    _no_random(world)
    services.issue(world.user("xian"), BATTERIES)
    _screen(world, [{**ITEM, "declaration_id": f"C{n}"} for n in range(25)])
    for n, task in enumerate(InspectionTask.objects.order_by("id")):
        bad = n < 5
        inspection.record_outcome(
            world.user("port"),
            task,
            outcome="non_conforming" if bad else "conforming",
            findings="不合格" if bad else "",
        )
    assert supervision.refresh_records() == 1
    assert supervision.refresh_records() == 0  # nothing changed: no new rule-set version
    record = CommodityRecord.objects.get(hs_heading="8507")
    assert (record.inspections, record.nonconformities) == (25, 5)
    exchange = supervision.exchange_policy(supervision.current_policy())
    assert exchange["commodity_factors"] == {"8507": 2.5}  # 20 % reaches the 15 % tier


def test_retro_screening_opens_follow_ups_from_the_history(world, django_capture_on_commit_callbacks):
    import shutil

    shutil.rmtree(history.directory(), ignore_errors=True)
    _no_random(world)
    toys = {**ITEM, "declaration_id": "H99", "item_no": 2, "hs_code": "9503001000", "description": "玩具"}
    _screen(world, [{**ITEM, "declaration_id": f"H{n}", "item_no": 1} for n in range(30)] + [toys])
    assert history.export() == 31
    assert history.export() == 0  # idempotent: nothing new
    assert HistoryExport.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        rule = services.issue(world.user("xian"), {"hs_prefixes": ["850760"], "action": "hold"}, reason="过热")
    retro = RetroScreening.objects.get(rule=rule)
    assert (retro.status, retro.matches, retro.tasks_opened) == ("done", 30, 30)
    follow_ups = InspectionTask.objects.filter(kind="retro", found_by=rule)
    assert follow_ups.count() == 30 and {t.organisation.code for t in follow_ups} == {"xian-airport-port"}
    assert follow_ups.first().item["hs_code"] == "8507600090"
    assert history.run(rule.pk).tasks_opened == 30  # a second run changes nothing
    assert InspectionTask.objects.filter(kind="retro").count() == 30


def test_pages_of_rules_tasks_and_policy(world):
    _no_random(world)
    client = world.client_for("xian")
    response = client.post(
        "/targeting/rules/new/",
        {
            "direction": "import",
            "hs_prefixes": "8507, 850760",
            "origin_countries": "cn",
            "action": "inspect",
            "sampling_rate": "1",
            "reason": "锂电池过热",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ControlRule.objects.get()
    assert rule.hs_prefixes == ["8507", "850760"] and rule.origin_countries == ["CN"]
    bad = client.post(
        "/targeting/rules/new/", {"direction": "import", "hs_prefixes": "85x7", "action": "inspect", "reason": "x"}
    )
    assert bad.status_code == 400 and "HS" in bad.content.decode()
    page = client.get(f"/targeting/rules/{rule.pk}/").content.decode()
    assert rule.reference in page and "布控条件" in page
    assert world.client_for("harbin").get(f"/targeting/rules/{rule.pk}/").status_code == 404
    changed = client.post(
        f"/targeting/rules/{rule.pk}/change/",
        {
            "direction": "import",
            "hs_prefixes": "8507",
            "origin_countries": "CN",
            "action": "hold",
            "sampling_rate": "1",
            "reason": "升级为扣留",
        },
    )
    assert changed.status_code == 302
    listing = client.get("/targeting/rules/").content.decode()
    assert f"CR{rule.pk:08d}-v2" in listing and "0 / 0 / 0" in listing
    _screen(world, [ITEM])
    task = InspectionTask.objects.get()
    port = world.client_for("port")
    assert task.reference in port.get("/targeting/tasks/").content.decode()
    detail = port.get(f"/targeting/tasks/{task.pk}/").content.decode()
    assert "结果一致" in detail  # the decision explained and reproduced
    posted = port.post(
        f"/targeting/tasks/{task.pk}/",
        {
            "outcome": "non_conforming",
            "findings": "过充保护失效",
            "lab-TOTAL_FORMS": "1",
            "lab-INITIAL_FORMS": "0",
            "lab-MIN_NUM_FORMS": "0",
            "lab-MAX_NUM_FORMS": "50",
            "lab-0-test_item": "过充保护",
            "lab-0-result": "失效",
            "lab-0-unit": "",
            "lab-0-limit": "",
            "lab-0-conforms": "0",
        },
    )
    assert posted.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.information_id and task.lab_results.count() == 1
    assert world.client_for("harbin").get(f"/targeting/tasks/{task.pk}/").status_code == 404
    assert world.client_for("enterprise").get("/targeting/tasks/").status_code == 403
    # The policy page: officers read it, the warning office changes it.
    assert "随机布控比例" in client.get("/targeting/supervision/").content.decode()
    assert client.post("/targeting/supervision/", {"form": "policy"}).status_code == 403
    before = SupervisionPolicy.objects.count()
    page = world.client_for("warning").get("/targeting/supervision/").content.decode()
    assert 'data-table="grades"' in page and "JSON" not in page  # issue 26: tables, not raw JSON
    # What a browser posts: every row of the three tables, the spare ones blank.
    post = {
        "form": "policy",
        "grade_advanced": "0.1",
        "grade_regular": "1",
        "grade_dishonest": "4",
        "default_grade": "regular",
        **{f"commodity_prefix_{n}": "" for n in range(3)},
        **{f"commodity_factor_{n}": "" for n in range(3)},
        "commodity_prefix_0": "9503",
        "commodity_factor_0": "2",
        "tier_rate_0": "0.05",
        "tier_factor_0": "1.5",
        "tier_rate_1": "0.15",
        "tier_factor_1": "2.5",
        **{f"tier_{kind}_{n}": "" for kind in ("rate", "factor") for n in range(2, 5)},
        "record_window_days": "180",
        "record_min_inspections": "10",
        "random_rate": "0.03",
        "min_random_rate": "0.01",
        "random_action": "inspect",
        "reason": "年度调整",
    }
    response = world.client_for("warning").post("/targeting/supervision/", post)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert SupervisionPolicy.objects.count() == before + 1
    policy = supervision.current_policy()
    assert policy.grade_factors["dishonest"] == 4 and policy.commodity_factors == {"9503": 2.0}
    assert policy.record_tiers == [[0.05, 1.5], [0.15, 2.5]]
    page = world.client_for("warning").get("/targeting/supervision/").content.decode()
    assert 'name="commodity_prefix_0" value="9503"' in page and 'name="commodity_prefix_3"' in page
    bad = world.client_for("warning").post(
        "/targeting/supervision/",
        {**post, "grade_dishonest": "", "commodity_prefix_1": "95x", "commodity_factor_2": "3", "reason": "x"},
    )
    assert bad.status_code == 400 and SupervisionPolicy.objects.count() == before + 1
    body = bad.content.decode()
    assert body.count('class="error-summary"') == 1
    assert "HS 前缀为 2 至 10 位数字。" in body and "请同时填写 HS 前缀和系数。" in body


def test_a_rule_is_issued_from_a_published_agency_notice(world):
    from tests.warnings.factories import published

    notice, _approver = published(world)
    warning = world.user("warning")
    page = world.client_for("warning").get(f"/targeting/rules/new/?warning={notice.pk}").content.decode()
    assert notice.reference in page
    rule = services.issue(warning, services.criteria_from_warning(notice), warning=notice, reason="依据通报")
    assert rule.warning_id == notice.pk
    assert rule.reference in world.client_for("warning").get(f"/warnings/manage/{notice.pk}/").content.decode()


def test_the_api_manages_rules_and_records_outcomes(world):
    _no_random(world)
    xian = world.client_for("xian")
    response = xian.post(
        "/api/v1/control-rules", {"criteria": BATTERIES, "reason": "锂电池"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    rule = response.json()
    assert rule["criteria"]["hs_prefixes"] == ["8507"] and rule["reference"].endswith("-v1")
    bad = xian.post("/api/v1/control-rules", {"criteria": {"action": "arrest"}}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "action"
    assert (
        world.client_for("port")
        .post("/api/v1/control-rules", {"criteria": BATTERIES}, content_type="application/json")
        .status_code
        == 403
    )
    change = {"criteria": {"action": "hold"}, "reason": "升级"}
    changed = xian.post(f"/api/v1/control-rules/{rule['id']}/change", change, content_type="application/json")
    assert changed.status_code == 201 and changed.json()["version"] == 2
    assert world.client_for("harbin").get(f"/api/v1/control-rules/{rule['id']}").status_code == 404
    _screen(world, [ITEM])
    port = world.client_for("port")
    tasks = port.get("/api/v1/inspection-tasks?status=open").json()["items"]
    assert len(tasks) == 1 and tasks[0]["rules"] == [changed.json()["reference"]]
    outcome = port.post(
        f"/api/v1/inspection-tasks/{tasks[0]['id']}/outcome",
        {
            "outcome": "non_conforming",
            "findings": "过热",
            "lab_results": [{"test_item": "温升", "result": "95", "unit": "°C", "limit": "≤ 70", "conforms": False}],
        },
        content_type="application/json",
    )
    assert outcome.status_code == 200, outcome.content
    assert outcome.json()["information_id"] and outcome.json()["lab_results"][0]["conforms"] is False
    assert world.client_for("harbin").get(f"/api/v1/inspection-tasks/{tasks[0]['id']}").status_code == 404
    decision = ScreeningDecision.objects.get()
    explanation = port.get(f"/api/v1/screening/decisions/{decision.pk}/explanation").json()
    assert explanation["reproduced"] and explanation["rules"][0]["holds"]
    policy = port.get("/api/v1/supervision-policy").json()
    assert policy["random_rate"] == 0
    assert (
        port.post(
            "/api/v1/supervision-policy",
            {"changes": {"random_rate": 0.1}, "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_the_demo_has_rules_from_warnings_a_stream_with_hits_outcomes_and_retro_follow_ups(world):
    import shutil

    from riskgate.targeting.demo import load_demo_port_control
    from riskgate.warnings.demo import load_demo_warnings

    shutil.rmtree(history.directory(), ignore_errors=True)
    PortOffice.objects.all().delete()
    load_demo_warnings()
    assert load_demo_port_control() >= 2
    rules = ControlRule.objects.all()
    assert rules.exclude(warning=None).exists()  # from the agency notices
    kinds = set(InspectionTask.objects.values_list("kind", flat=True))
    assert kinds == {"screening", "random", "retro"}
    assert ScreeningDecision.objects.count() == 3000
    assert RiskInformation.objects.filter(source_type="inspection_nonconformity").count() == 15
    assert RetroScreening.objects.get(rule__reason__startswith="锂离子移动电源过热").tasks_opened > 0
    assert load_demo_port_control() == 0  # idempotent


def test_a_port_system_records_an_outcome_with_its_token_and_is_named_for_it(world):
    """Issue 24 item 12: the token's write is recorded under its own account, which cannot sign in."""
    from django.test import Client

    from riskgate.accounts.services import issue_token
    from riskgate.targeting.models import InspectionTask

    _no_random(world)
    world.client_for("xian").post(
        "/api/v1/control-rules", {"criteria": BATTERIES, "reason": "锂电池"}, content_type="application/json"
    )
    _screen(world, [ITEM])
    task = InspectionTask.objects.get()
    issued = issue_token(
        world.user("admin"),
        name="口岸查验系统",
        organisation=world.user("port").organisation,
        permissions=["targeting:task:view", "targeting:task:record"],
        expires_at=None,
    )
    response = Client().post(
        f"/api/v1/inspection-tasks/{task.pk}/outcome",
        {"outcome": "conforming", "findings": "合格"},
        content_type="application/json",
        headers={"authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    account = task.completed_by
    assert account.username == f"token-{issued.token.prefix}" and "口岸查验系统" in account.full_name
    assert not account.is_active and not account.has_usable_password()
    assert account.organisation_id == world.user("port").organisation_id
    issued.token.refresh_from_db()
    assert issued.token.account_id == account.pk
    assert not Client().login(username=account.username, password="")


LAB_MANAGEMENT = {"lab-INITIAL_FORMS": "0", "lab-MIN_NUM_FORMS": "0", "lab-MAX_NUM_FORMS": "50"}


def _lab_row(n, item="", result="", unit="", limit="", conforms=""):
    """Every field of one lab line, as a browser posts it (blank select included)."""
    return {
        f"lab-{n}-test_item": item,
        f"lab-{n}-result": result,
        f"lab-{n}-unit": unit,
        f"lab-{n}-limit": limit,
        f"lab-{n}-conforms": conforms,
    }


def test_an_outcome_needs_no_lab_rows_and_takes_as_many_as_are_added(world):
    """Issue 26: the outcome form started with three lab rows whose conformity select had no blank choice, so a
    port officer could not record an outcome without filling all three."""
    services.issue(world.user("xian"), {"hs_prefixes": ["8507"], "action": "inspect"})
    _screen(world, [ITEM, {**ITEM, "declaration_id": "T2"}])
    first, second = InspectionTask.objects.order_by("id")
    port = world.client_for("port")
    page = port.get(f"/targeting/tasks/{first.pk}/").content.decode()
    assert 'name="lab-TOTAL_FORMS" value="0"' in page and 'name="lab-0-test_item"' not in page
    done = port.post(
        f"/targeting/tasks/{first.pk}/",
        {"outcome": "conforming", "findings": "外观、标识正常", "lab-TOTAL_FORMS": "0", **LAB_MANAGEMENT},
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == TaskStatus.DONE and first.lab_results.count() == 0
    # "Add a test item" twice keeps what was typed and adds one line each time; nothing is judged meanwhile.
    typed = {"outcome": "non_conforming", "findings": "过充保护失效", **LAB_MANAGEMENT}
    once = port.post(f"/targeting/tasks/{second.pk}/", {**typed, "lab-TOTAL_FORMS": "0", "add_lab_row": "1"})
    assert once.status_code == 200 and 'name="lab-0-test_item"' in once.content.decode()
    assert "过充保护失效" in once.content.decode() and "errorlist" not in once.content.decode()
    rows = {**_lab_row(0, "过充保护", "失效", conforms="0")}
    twice = port.post(f"/targeting/tasks/{second.pk}/", {**typed, **rows, "lab-TOTAL_FORMS": "1", "add_lab_row": "1"})
    body = twice.content.decode()
    assert 'name="lab-1-test_item"' in body and 'value="过充保护"' in body
    second.refresh_from_db()
    assert second.status == TaskStatus.OPEN, "adding a line records nothing"
    # A half-filled line is refused at its field; the complete two lines are recorded.
    half = {**rows, **_lab_row(1, "外壳温升", conforms="")}
    refused = port.post(f"/targeting/tasks/{second.pk}/", {**typed, **half, "lab-TOTAL_FORMS": "2"})
    assert refused.status_code == 400 and second.lab_results.count() == 0
    both = {**rows, **_lab_row(1, "外壳温升", "62", "K", "≤ 45 K", "0")}
    recorded_ = port.post(f"/targeting/tasks/{second.pk}/", {**typed, **both, "lab-TOTAL_FORMS": "2"})
    assert recorded_.status_code == 302
    assert sorted(second.lab_results.values_list("test_item", flat=True)) == ["外壳温升", "过充保护"]


def test_a_port_officer_opens_the_rule_of_every_task_it_sees(world):
    """Issue 26: a retro-screening's follow-up task links to the rule that found it, which answered 404 to the
    port officer whose task it is (the rule came from the warning office, above the port)."""
    from riskgate.accounts.models import Organisation

    rule = services.issue(world.user("warning"), {"hs_prefixes": ["850760"], "action": "hold"}, reason="总署规则")
    task = InspectionTask.objects.create(
        kind="retro",
        found_by=rule,
        declaration_id="R1",
        item_no=1,
        item=ITEM,
        hs_code=ITEM["hs_code"],
        action="inspect",
        organisation=Organisation.objects.get(code="xian-airport-port"),
    )
    port = world.client_for("port")
    page = port.get(f"/targeting/tasks/{task.pk}/").content.decode()
    assert f'href="/targeting/rules/{rule.pk}/"' in page
    assert port.get(f"/targeting/rules/{rule.pk}/").status_code == 200
    assert world.client_for("harbin").get(f"/targeting/rules/{rule.pk}/").status_code == 404


def test_the_api_issues_a_rule_with_validity_times_given_as_text(world):
    """Found by the API fuzz test: a `valid_from` sent as text was kept as text on the new rule, and recording
    the rule's exchange form (`.isoformat()`) answered 500. The times are stored and read back as datetimes."""
    from riskgate.core.models import AuditEvent
    from riskgate.targeting.models import ControlRule

    criteria = {**BATTERIES, "valid_from": "2026-06-01T08:00:00+08:00", "valid_to": "2027-01-01T00:00:00.4Z"}
    response = world.client_for("xian").post(
        "/api/v1/control-rules", {"criteria": criteria, "reason": "锂电池"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    rule = ControlRule.objects.get(pk=response.json()["id"])
    assert rule.valid_from == dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert rule.valid_to == dt.datetime(2027, 1, 1, 0, 0, 0, 400000, tzinfo=dt.UTC)
    issued = AuditEvent.objects.get(action="control_rule.issued", object_id=str(rule.pk))
    assert dt.datetime.fromisoformat(issued.changes["valid_from"]) == rule.valid_from
