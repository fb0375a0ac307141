"""The monitoring programme: plans with versions, quotas and progress; proposals from confirmed assessments;
sampling tasks for accepted laboratories; records submitted by points and laboratories (a non-conforming one
becomes risk information once); approval and the portal's aggregate; what each role may read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from riskgate.core.models import Notification
from riskgate.intake.models import RiskInformation, SourceType
from riskgate.monitoring.demo import load_demo_programme
from riskgate.monitoring.models import MonitoringPlan, PlanProposal, Sample, SampleStatus, TaskStatus
from riskgate.monitoring.queries import programme as queries
from riskgate.monitoring.services import plans, samples

TODAY = timezone.localdate()
START, END = dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31)


def make_plan(world, **changes):
    data = {
        "title": "进口水产品监测计划",
        "period_start": START,
        "period_end": END,
        "scope": "import",
        "countries": ["vn", "TH"],
        "hs_codes": ["0306"],
        "hazard_types": ["chemical"],
        "organisation": world.org("gacc-warning-office"),
        **changes,
    }
    quotas = [(world.org("xian-customs"), 10), (world.org("xian-monitoring-point"), 4)]
    return plans.create_plan(world.user("warning"), data=data, quotas=quotas)


def record(number="S-1", value="1.2", limit="0.3", **extra):
    data = {"sample_number": number, "product_name": "冻虾", "hs_code": "030617", "origin_country": "VN",
            "sampled_on": TODAY, **extra}  # fmt: skip
    results = [{"item": "氯霉素", "value": Decimal(value), "unit": "μg/kg", "limit": Decimal(limit)}]
    return data, results


def test_a_plan_is_versioned_with_its_reason_and_progress_counts_the_lineage(world):
    plan = make_plan(world)
    assert plan.countries == ["TH", "VN"] and plan.reference.endswith("-v1")
    warning = world.user("warning")
    with pytest.raises(ValidationError):
        plans.adjust_plan(warning, plan, reason=" ", data={}, quotas=[(world.org("xian-customs"), 5)])
    new = plans.adjust_plan(
        warning, plan, reason="增列厄瓜多尔", data={"countries": ["EC", "VN", "TH"]},
        quotas=[(world.org("xian-customs"), 12), (world.org("xian-monitoring-point"), 4)],
    )  # fmt: skip
    plan.refresh_from_db()
    assert not plan.is_current and new.is_current and new.version == 2 and new.lineage_id == plan.pk
    assert new.countries == ["EC", "TH", "VN"] and new.change_reason == "增列厄瓜多尔"
    assert [v.version for v in queries.versions(new)] == [2, 1]
    # A record submitted under the first version counts towards the current one.
    sample, _ = samples.submit(world.user("point"), data=record("P-1", value="0.1")[0], results=record()[1])
    Sample.objects.filter(pk=sample.pk).update(plan=plan)
    rows, total = queries.progress(new, today=dt.date(TODAY.year, 1, 31))
    point = next(r for r in rows if r.unit.code == "xian-monitoring-point")
    assert (point.quota, point.received, point.expected, point.behind) == (4, 1, 0, False)
    rows, total = queries.progress(new, today=dt.date(TODAY.year, 10, 1))
    point = next(r for r in rows if r.unit.code == "xian-monitoring-point")
    days = (dt.date(TODAY.year, 10, 1) - START).days + 1
    assert (point.received, point.expected, point.behind) == (1, 4 * days // ((END - START).days + 1), True)
    assert total.quota == 16 and total.received == 1


def test_a_plan_is_refused_outside_the_jurisdiction_and_with_bad_codes(world):
    with pytest.raises(ValidationError) as bad:
        make_plan(world, countries=["XX"], hs_codes=["123"])
    assert set(bad.value.message_dict) == {"countries", "hs_codes"}
    xian = world.user("xian")
    with pytest.raises(ValidationError):  # the Harbin bureau is not Xi'an's to give a quota to
        plans.create_plan(xian, data={"title": "x", "period_start": START, "period_end": END, "scope": "import",
                                      "organisation": world.org("xian-customs")},
                          quotas=[(world.org("harbin-customs"), 3)])  # fmt: skip
    with pytest.raises(PermissionDenied):
        make_plan_as = plans.create_plan
        make_plan_as(world.user("port"), data={}, quotas=[])


def test_tasks_stay_within_the_quota_and_go_to_accepted_laboratories_only(world):
    plan = make_plan(world)
    warning = world.user("warning")
    fields = {"organisation": world.org("xian-customs"), "laboratory": world.org("xian-tech-centre"), "product": "虾",
              "hs_code": "0306", "samples": 6, "test_items": "氯霉素", "due_on": END}  # fmt: skip
    plans.assign_task(warning, plan, **fields)
    with pytest.raises(ValidationError) as over:
        plans.assign_task(warning, plan, **{**fields, "samples": 5})
    assert "超出配额" in str(over.value)
    with pytest.raises(ValidationError) as lab:
        plans.assign_task(warning, plan, **{**fields, "samples": 1, "laboratory": world.org("caiq")})
    assert "laboratory" in lab.value.message_dict
    body = world.org("third-party-lab").assessment_body
    body.accepted = False
    body.save()
    with pytest.raises(ValidationError):
        plans.assign_task(warning, plan, **{**fields, "samples": 1, "laboratory": world.org("third-party-lab")})
    with pytest.raises(ValidationError):
        plans.assign_task(warning, plan, **{**fields, "samples": 1, "organisation": world.org("harbin-customs")})


def test_an_out_of_limit_record_becomes_risk_information_once_also_when_submitted_twice(world):
    point = world.user("point")
    data, results = record("PT-9")
    sample, created = samples.submit(point, data=data, results=results, enterprise=world.org("ent-xian-trading"))
    assert created and not sample.passed and sample.information_id
    info = RiskInformation.objects.get(pk=sample.information_id)
    assert info.source_type == SourceType.RISK_MONITORING and info.external_id == sample.reference
    assert info.organisation.code == "xian-customs"  # the point's customs body
    assert "氯霉素: 1.2μg/kg" in info.description and info.origin_countries == ["VN"]
    again, created = samples.submit(point, data=data, results=results, enterprise=world.org("ent-xian-trading"))
    assert (again.pk, created) == (sample.pk, False)
    assert RiskInformation.objects.filter(source_type=SourceType.RISK_MONITORING).count() == 1
    with pytest.raises(ValidationError) as changed:
        samples.submit(point, data=data, results=record(value="0.1")[1])
    assert "sample_number" in changed.value.message_dict
    conforming, _ = samples.submit(point, data=record("PT-10", value="0.1")[0], results=record(value="0.1")[1])
    assert conforming.passed and conforming.information_id is None


def test_a_laboratory_submits_only_for_its_tasks_and_a_full_task_is_done(world):
    plan = make_plan(world)
    task = plans.assign_task(world.user("warning"), plan, organisation=world.org("xian-customs"),
                             laboratory=world.org("xian-tech-centre"), product="虾", hs_code="0306", samples=2,
                             test_items="氯霉素", due_on=END)  # fmt: skip
    lab = world.user("lab")
    with pytest.raises(ValidationError) as no_task:
        samples.submit(lab, data=record("L-1")[0], results=record()[1])
    assert "task" in no_task.value.message_dict
    with pytest.raises(ValidationError):  # the point is neither the task's unit nor its laboratory
        samples.submit(world.user("point"), data=record("L-1")[0], results=record()[1], task=task)
    first, _ = samples.submit(lab, data=record("L-1", value="0.1")[0], results=record(value="0.1")[1], task=task)
    assert (first.organisation.code, first.laboratory.code, first.plan_id) == (
        "xian-customs",
        "xian-tech-centre",
        plan.pk,
    )
    samples.submit(lab, data=record("L-2", value="0.1")[0], results=record(value="0.1")[1], task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_who_reads_which_records(world, django_capture_on_commit_callbacks):
    point, lab = world.user("point"), world.user("lab")
    mine, _ = samples.submit(
        point, data=record("PT-1")[0], results=record()[1], enterprise=world.org("ent-xian-trading")
    )
    other, _ = samples.submit(
        point, data=record("PT-2")[0], results=record()[1], enterprise=world.org("ent-baoji-toys")
    )
    assert set(queries.samples(point)) == {mine, other}
    assert not queries.samples(lab).exists()  # a laboratory reads what it submitted or tested
    assert set(queries.samples(world.user("xian"))) == {mine, other}  # the point is under Xi'an Customs
    assert not queries.samples(world.user("harbin")).exists()
    enterprise = world.user("enterprise")
    assert not queries.samples(enterprise).exists()  # not before approval
    with django_capture_on_commit_callbacks(execute=True):
        samples.approve(world.user("xian"), mine)
    assert list(queries.samples(enterprise)) == [mine]  # its own, approved; never another's
    note = Notification.objects.get(kind="monitoring.result")
    assert note.organisation.code == "ent-xian-trading" and note.title == "监测结果：冻虾 不合格"
    assert note.title_en == "Monitoring result: 冻虾 non-conforming"
    with pytest.raises(PermissionDenied):
        queries.samples(world.user("expert"))
    with pytest.raises(PermissionDenied):
        samples.approve(world.user("harbin"), other)
    with pytest.raises(ValidationError):
        samples.approve(world.user("xian"), mine)


def test_a_confirmed_assessment_proposes_a_plan_change_and_acceptance_makes_a_version(world):
    from tests.warnings.factories import confirmed_assessment

    warning = world.user("warning")
    first = make_plan(world)
    plan = plans.adjust_plan(warning, first, reason="年中调整", data={}, quotas=[(world.org("xian-customs"), 10),
                             (world.org("xian-monitoring-point"), 4)])  # fmt: skip
    assessment = confirmed_assessment(world)
    proposal = plans.propose_change(warning, assessment, plan=plan, reason="对虾氯霉素检出增多",
                                    hs_codes=["030617"], countries=["EC"])  # fmt: skip
    section = queries.assessment_plans_section(warning, assessment)
    assert section["proposals"] == [proposal] and plan in section["plans"]
    with pytest.raises(ValidationError):
        plans.decide_proposal(warning, proposal, accept=False, note="")
    # The office decides from the plan's page (a proposal made against the second version of the plan).
    response = world.client_for("warning_officer").post(
        reverse("monitoring:plan_act", args=[plan.pk, "accept"]), {"proposal": proposal.pk, "note": ""}
    )
    assert response.status_code == 302
    decided = PlanProposal.objects.get(pk=proposal.pk)
    new = decided.result_plan
    assert (
        world.client_for("bureau_officer")
        .post(reverse("monitoring:plan_act", args=[new.pk, "reject"]), {"proposal": proposal.pk, "note": "x"})
        .status_code
        == 404
    )  # a bureau does not decide on the office's plan
    assert new.version == 3 and "030617" in new.hs_codes and "EC" in new.countries
    assert assessment.reference in new.change_reason
    assert [q.samples for q in new.quotas.order_by("pk")] == [10, 4]
    with pytest.raises(ValidationError):
        plans.decide_proposal(warning, decided, accept=True)
    assert PlanProposal.objects.get(pk=proposal.pk).status == "accepted"


def test_the_portal_shows_approved_results_in_aggregate_only(world, client):
    samples.submit(world.user("point"), data=record("PT-1")[0], results=record()[1],
                   enterprise=world.org("ent-xian-trading"))  # fmt: skip
    page = client.get(reverse("monitoring:portal_results"))
    assert page.status_code == 200 and "氯霉素" not in page.content.decode()
    samples.approve(world.user("xian"), Sample.objects.get())
    text = client.get(reverse("monitoring:portal_results")).content.decode()
    assert "氯霉素" in text and "0306" in text
    assert "秦岭" not in text and "PT-1" not in text  # no enterprise, no sample


def test_the_demo_programme_loads_once(world):
    report = load_demo_programme()
    assert "2 became risk information" in report
    assert load_demo_programme() == "already loaded"
    plan = MonitoringPlan.objects.get(is_current=True)
    assert plan.version == 2
    assert Sample.objects.filter(status=SampleStatus.APPROVED).count() == 3


def api_record(number="API-1", value="1.2"):
    return {
        "sample_number": number,
        "product_name": "冻虾",
        "hs_code": "030617",
        "origin_country": "vn",
        "enterprise_id": None,
        "sampled_on": TODAY.isoformat(),
        "results": [{"item": "氯霉素", "value": value, "unit": "μg/kg", "limit": "0.3"}],
    }


def test_a_points_system_submits_through_the_api_with_a_token_idempotently(world):
    from django.test import Client

    from riskgate.accounts import services as accounts
    from riskgate.core.permissions import Permission

    issued = accounts.issue_token(
        world.user("admin"),
        name="监测点系统",
        organisation=world.org("xian-monitoring-point"),
        permissions=[Permission.MONITORING_SAMPLE_SUBMIT.value],
        expires_at=None,
    )
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    body = {**api_record(), "enterprise_id": world.org("ent-xian-trading").pk}
    first = client.post("/api/v1/monitoring/samples", body, content_type="application/json", **auth)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["passed"] is False and data["information_id"] and data["origin_country"] == "VN"
    assert data["results"][0] == {"item": "氯霉素", "value": "1.2", "unit": "μg/kg", "limit": "0.3",
                                  "limit_kind": "max", "passed": False}  # fmt: skip
    info = RiskInformation.objects.get(pk=data["information_id"])
    assert info.channel == "partner_api" and info.source_type == SourceType.RISK_MONITORING
    again = client.post("/api/v1/monitoring/samples", body, content_type="application/json", **auth)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert RiskInformation.objects.filter(source_type=SourceType.RISK_MONITORING).count() == 1
    changed = client.post("/api/v1/monitoring/samples", {**body, "place": "别处"}, content_type="application/json",
                          **auth)  # fmt: skip
    assert changed.status_code == 422 and "sample_number" in changed.content.decode()
    bad = client.post("/api/v1/monitoring/samples", {**body, "sample_number": "X", "results": []},
                      content_type="application/json", **auth)  # fmt: skip
    assert bad.status_code == 422
    listed = client.get("/api/v1/monitoring/samples", **auth).json()["items"]  # its own submissions, read back
    assert [r["id"] for r in listed] == [data["id"]]


def test_over_the_api_a_point_reads_only_its_own_records_and_an_enterprise_only_its_approved_ones(world):
    point, enterprise, lab = world.client_for("point"), world.client_for("enterprise"), world.client_for("lab")

    def submit(number, enterprise):
        body = {**api_record(number), "enterprise_id": world.org(enterprise).pk}
        return point.post("/api/v1/monitoring/samples", body, content_type="application/json").json()

    own, other = submit("P-1", "ent-xian-trading"), submit("P-2", "ent-baoji-toys")
    assert {r["id"] for r in point.get("/api/v1/monitoring/samples").json()["items"]} == {own["id"], other["id"]}
    assert lab.get(f"/api/v1/monitoring/samples/{own['id']}").status_code == 404
    assert lab.get("/api/v1/monitoring/samples").json()["items"] == []
    assert enterprise.get(f"/api/v1/monitoring/samples/{own['id']}").status_code == 404  # not yet approved
    samples.approve(world.user("xian"), Sample.objects.get(pk=own["id"]))
    samples.approve(world.user("xian"), Sample.objects.get(pk=other["id"]))
    listed = enterprise.get("/api/v1/monitoring/samples").json()["items"]
    assert [r["id"] for r in listed] == [own["id"]]
    assert enterprise.get(f"/api/v1/monitoring/samples/{other['id']}").status_code == 404
    assert world.client_for("harbin").get(f"/api/v1/monitoring/samples/{own['id']}").status_code == 404
    assert world.client_for("expert").get("/api/v1/monitoring/samples").status_code == 403
    denied = enterprise.post("/api/v1/monitoring/samples", api_record("E-1"), content_type="application/json")
    assert denied.status_code == 403 and not Sample.objects.filter(sample_number="E-1").exists()


def test_the_last_record_of_a_done_task_sent_again_is_answered_with_the_stored_one(world):
    plan = make_plan(world)
    task = plans.assign_task(world.user("warning"), plan, organisation=world.org("xian-customs"),
                             laboratory=world.org("xian-tech-centre"), product="虾", hs_code="0306", samples=1,
                             test_items="氯霉素", due_on=END)  # fmt: skip
    lab = world.client_for("lab")
    body = {**api_record("L-9"), "task_id": task.pk}
    assert lab.post("/api/v1/monitoring/samples", body, content_type="application/json").status_code == 201
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert lab.post("/api/v1/monitoring/samples", body, content_type="application/json").status_code == 200
    late = lab.post("/api/v1/monitoring/samples", {**body, "sample_number": "L-10"}, content_type="application/json")
    assert late.status_code == 422 and "task" in late.content.decode()
    assert Sample.objects.count() == 1


def test_english_pages_name_organisations_in_english_in_their_choices(world):
    client = world.client_for("warning_officer")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("monitoring:plan_new")).content.decode()
    assert ">Xi&#x27;an Customs</option>" in page or ">Xi'an Customs</option>" in page
    assert ">西安海关</option>" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert ">西安海关</option>" in client.get(reverse("monitoring:plan_new")).content.decode()
