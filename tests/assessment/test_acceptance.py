"""Third-party result acceptance (R-USE-4, decision 0029): results are accepted from an official laboratory, or
from a third party only within an active scope (category by HS prefix, test item); a result outside it is refused
with a message that says why — at the port's inspection, in monitoring and in assessment laboratory tasks — and
violations suspend or end the acceptance, in public."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from riskgate.assessment import queries, services
from riskgate.assessment.models import AcceptanceScope
from riskgate.core.models import AuditEvent
from riskgate.targeting.models import InspectionTask, LabResult
from riskgate.targeting.services import inspection


def open_task(world, *, hs_code: str) -> InspectionTask:
    """An open inspection task of the demo port (as a screening hit leaves it)."""
    item = {"declaration_id": "ACC-1", "item_no": 1, "direction": "import", "hs_code": hs_code, "description": "玩具"}
    return InspectionTask.objects.create(
        declaration_id="ACC-1", item_no=1, item=item, hs_code=hs_code, action="inspect",
        organisation=world.user("port").organisation,
    )  # fmt: skip


def lab(world):
    return world.org("third-party-lab")


def test_the_rule(world):
    third = lab(world)
    assert queries.acceptance_refusal(third, "9503008900", ["邻苯二甲酸酯", "小零件"]) is None
    assert queries.acceptance_refusal(third, "95030089", ["可迁移 元素"]) is None  # spaces do not matter
    refused = queries.acceptance_refusal(third, "9503008900", ["甲醛"])
    assert "未获准" in refused and "甲醛" in refused and "9503008900" in refused
    assert "未获准" in queries.acceptance_refusal(third, "0904", ["小零件"])  # another category
    assert "HS 编码不明" in queries.acceptance_refusal(third, "", ["小零件"])
    assert queries.acceptance_refusal(world.org("xian-tech-centre"), "", ["任何项目"]) is None  # official
    assert "不是登记的" in queries.acceptance_refusal(world.org("ent-baoji-toys"), "9503", ["小零件"])


def test_an_inspection_result_from_an_institution_not_accepted_for_the_item_is_refused(world):
    task = open_task(world, hs_code="9503008900")
    row = {"test_item": "甲醛", "result": "12", "unit": "mg/kg", "limit": "≤ 30", "conforms": True}
    with pytest.raises(ValidationError) as refused:
        inspection.record_outcome(
            world.user("port"), task, outcome="conforming", lab_results=[{**row, "institution": "third-party-lab"}]
        )
    ((field, messages),) = refused.value.message_dict.items()
    assert field == "lab_results[0].institution" and "未获准" in messages[0] and "甲醛" in messages[0]
    task.refresh_from_db()
    assert task.status == "open" and not LabResult.objects.exists()
    # The same item from the port's own test, or an accepted item from the third party, is recorded.
    done = inspection.record_outcome(
        world.user("port"),
        task,
        outcome="conforming",
        lab_results=[row, {**row, "test_item": "邻苯二甲酸酯", "institution": "third-party-lab"}],
    )
    assert done.status == "done" and [r.institution_id for r in LabResult.objects.order_by("id")] == [
        None,
        lab(world).pk,
    ]


def test_the_task_page_shows_the_refusal_for_a_whole_formset_post(world):
    task = open_task(world, hs_code="9503008900")
    post = {
        "outcome": "conforming", "findings": "",
        "lab-TOTAL_FORMS": "2", "lab-INITIAL_FORMS": "0", "lab-MIN_NUM_FORMS": "0", "lab-MAX_NUM_FORMS": "50",
        "lab-0-institution": "third-party-lab", "lab-0-test_item": "甲醛", "lab-0-result": "12", "lab-0-unit": "",
        "lab-0-limit": "", "lab-0-conforms": "1",
        "lab-1-institution": "", "lab-1-test_item": "", "lab-1-result": "", "lab-1-unit": "", "lab-1-limit": "",
        "lab-1-conforms": "",
    }  # fmt: skip
    answer = world.client_for("port").post(f"/targeting/tasks/{task.pk}/", post)
    assert answer.status_code == 400 and "未获准" in answer.content.decode()
    assert InspectionTask.objects.get(pk=task.pk).status == "open"


def test_assessment_lab_tasks_and_monitoring_tasks_keep_to_the_scope(world):
    from tests.assessment.factories import bring_to_panel, request, verified_item

    assessment = request(world, verified_item(world))
    bring_to_panel(world, assessment)
    assessor = world.user("assessor")
    with pytest.raises(ValidationError) as refused:
        services.add_lab_task(
            assessor, assessment, laboratory=lab(world), samples="s", test_items="甲醛、小零件", method="m",
            hs_code="9503",
        )  # fmt: skip
    assert "甲醛" in refused.value.message_dict["laboratory"][0]
    task = services.add_lab_task(
        assessor, assessment, laboratory=lab(world), samples="s", test_items="小零件", method="m", hs_code="9503"
    )
    with pytest.raises(ValidationError) as results:
        services.record_lab_results(
            assessor, task, report_number="R1",
            results=[{"item": "甲醛", "value": 1, "unit": "", "limit": 2, "limit_kind": "max"}],
        )  # fmt: skip
    assert "甲醛" in results.value.message_dict["results"][0]


def test_violations_suspend_or_end_the_acceptance_in_public(world, client):
    body = lab(world).assessment_body
    officer = world.user("warning")
    scope = body.scopes.get(hs_prefix="9503")
    services.set_scope(
        officer, body, scope=scope, hs_prefix="9503", category="玩具", test_items=scope.test_items,
        suspended=True, reason="能力验证结果不满意",
    )  # fmt: skip
    assert "已暂停" in queries.acceptance_refusal(lab(world), "9503", ["小零件"])
    assert queries.acceptance_refusal(lab(world), "9401", ["夹缝尺寸"]) is None  # other categories stay
    services.record_violation(
        officer, body, occurred_on=dt.date(2026, 11, 30), description="出具虚假检测报告", consequence="exit"
    )
    assert "退出" in queries.acceptance_refusal(lab(world), "9401", ["夹缝尺寸"])
    page = client.get("/laboratories/accepted/").content.decode()
    assert "出具虚假检测报告" in page and "2026-11-30" in page
    assert (
        AuditEvent.objects.filter(action__in=["assessment.acceptance_changed", "assessment.violation_recorded"]).count()
        == 2
    )
    with pytest.raises(ValidationError):
        services.set_scope(world.user("warning"), body, hs_prefix="95A", category="x", test_items="a", reason="r")


def test_only_acceptance_managers_change_it(world):
    from django.core.exceptions import PermissionDenied

    body = lab(world).assessment_body
    for username in ("assessor", "port", "enterprise"):
        with pytest.raises(PermissionDenied):
            services.set_scope(
                world.user(username), body, hs_prefix="9503", category="玩具", test_items="x", reason="r"
            )
    assert (
        world.client_for("assessor").post(f"/assessments/registry/bodies/{body.pk}/", {"reason": "x"}).status_code
        == 403
    )
    assert AcceptanceScope.objects.filter(body=body).count() == 5
