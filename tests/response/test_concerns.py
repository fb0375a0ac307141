"""R-USE-1: an enterprise sees the port-inspection results of its own goods and the assessment conclusions behind
the warnings that name it — and nothing of another enterprise, nor the rules that selected its goods."""

from riskgate.response.queries.concerns import for_enterprise
from riskgate.targeting import live, services
from riskgate.targeting.services import inspection, screening, supervision
from tests.warnings.factories import published

ITEM = {
    "declaration_id": "C1",
    "item_no": 1,
    "direction": "import",
    "hs_code": "8507600090",
    "origin_country": "CN",
    "enterprise_ids": ["6101930001"],
    "port": "CNXIY",
    "description": "移动电源",
    "value": 10,
    "declared_at": "2026-11-30T00:00:00Z",
}


def test_an_enterprise_sees_its_own_results_and_the_conclusions_that_name_it(world):
    from riskgate.accounts.models import Role, User

    supervision.change_policy(world.user("warning"), {"random_rate": 0, "min_random_rate": 0}, reason="测试")
    rule = services.issue(world.user("xian"), {"hs_prefixes": ["8507"], "action": "inspect"}, reason="测试")
    live.reset()
    other_firm = world.org("ent-baoji-toys").customs_code
    screening.screen(
        world.user("port"),
        [ITEM, {**ITEM, "item_no": 2, "enterprise_ids": [other_firm]}, {**ITEM, "item_no": 3}],
        one_declaration=True,
    )
    first, second, third = inspection.InspectionTask.objects.order_by("item_no")
    lab = [{"test_item": "过充保护", "result": "失效", "limit": "GB 4943.1", "conforms": False}]
    inspection.record_outcome(
        world.user("port"), first, outcome="non_conforming", findings="过充保护失效", lab_results=lab
    )
    inspection.record_outcome(world.user("port"), second, outcome="conforming")
    # third stays open: an enterprise sees results, not pending inspections
    notice, _approver = published(world, data={"enterprises": [world.org("ent-xian-trading")]})
    mine = for_enterprise(world.user("enterprise"))
    assert [t.item_no for t in mine["inspections"]] == [1]
    assert [a.pk for a in mine["assessments"]] == [notice.assessment_id]
    page = world.client_for("enterprise").get("/enterprise/concerns/").content.decode()
    assert "过充保护失效" in page and notice.assessment.reference in page
    assert rule.reference not in page and "C1 / 2" not in page and "C1 / 3" not in page
    other = User.objects.create(
        username="baoji-toys", role=Role.objects.get(code="enterprise_user"), organisation=world.org("ent-baoji-toys")
    )
    theirs = for_enterprise(other)
    assert [t.item_no for t in theirs["inspections"]] == [2] and theirs["assessments"] == []
    assert world.client_for("port").get("/enterprise/concerns/").status_code == 403
    assert world.client_for("anonymous").get("/enterprise/concerns/").status_code == 302
