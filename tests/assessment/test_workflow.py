"""Risk assessment, end to end through the services: request → panel (a conflicted expert refused) → laboratory
result → report → one dissent → confirmation → a new version after a change; and every refusal on the way."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from riskgate.assessment import queries, services
from riskgate.assessment.models import (
    Assessment,
    AssigneeKind,
    Expert,
    ImmutableError,
    RiskMethod,
    Status,
    Vote,
)
from riskgate.core.models import AuditEvent
from riskgate.intake import services as intake
from riskgate.intake.models import RiskInformation
from riskgate.intake.models import Status as InfoStatus
from tests.assessment.factories import REPORT, bring_to_panel, chair_scenario, request, verified_item


@pytest.fixture
def assessment(world):
    return request(world, verified_item(world))


def test_full_path(world, django_capture_on_commit_callbacks):
    info = verified_item(world)
    with django_capture_on_commit_callbacks(execute=True):
        a = request(world, info)
    info.refresh_from_db()
    assert info.status == InfoStatus.ASSESSMENT_REQUESTED
    assert a.status == Status.REQUESTED and a.reference.endswith("-v1")
    assert a.due_at - a.requested_at == dt.timedelta(days=15)  # normal, physical: the default rule
    assessor, expert, expert2 = world.user("assessor"), world.user("expert"), world.user("expert2")
    services.start(assessor, a)

    # The panel: an expert who declares a conflict is refused a seat; one who has not declared cannot be seated.
    ma = Expert.objects.get(name="马骏")
    with pytest.raises(ValidationError, match="尚未就本次研判作利益冲突声明"):
        services.seat_expert(assessor, a, Expert.objects.get(name="刘洋"))
    services.declare_conflict(assessor, a, ma, has_conflict=True, details="曾为该产品生产商提供咨询")
    with pytest.raises(ValidationError, match="利益冲突"):
        services.seat_expert(assessor, a, ma)
    assert AuditEvent.objects.filter(action="assessment.seat_refused", object_id=str(a.pk)).exists()
    for name in ("刘洋", "黄蕾"):
        services.declare_conflict(assessor, a, Expert.objects.get(name=name), has_conflict=False)
        services.seat_expert(assessor, a, Expert.objects.get(name=name), chair=name == "刘洋")
    assert set(a.participants.values_list("username", flat=True)) == {"assessor", "expert", "expert2"}

    # Investigation and a laboratory result (a third-party laboratory accepted by the registry).
    services.add_finding(assessor, a, kind="site_visit", summary="抽查 3 家销售门店，同型号在售。", place="西安")
    task = services.add_lab_task(
        assessor,
        a,
        laboratory=world.org("third-party-lab"),
        samples="同批次折叠椅 5 把",
        hs_code="9401",
        test_items="夹缝尺寸",
        method="GB 28007-2011 / EN 581-1",
    )
    rows = services.record_lab_results(
        assessor,
        task,
        report_number="TP-2026-0042",
        results=[
            {"item": "可触及夹缝", "value": Decimal("9.5"), "unit": "mm", "limit": Decimal("5"), "limit_kind": "min"},
            {"item": "夹缝（闭合）", "value": Decimal("14"), "unit": "mm", "limit": Decimal("12"), "limit_kind": "max"},
        ],
    )
    assert [r.passed for r in rows] == [True, False] and task.passed is False

    # The report: 1 × 1/10 × 1/100 = 1/1000 at severity 2 → high (the edge belongs to the higher band);
    # 3 points for high + 2 for scope (capped) = 5 → II.
    chair_scenario(assessor, a, "0.01")
    services.save_report(assessor, a, data=REPORT)
    a.refresh_from_db()
    assert (a.risk_level, a.proposed_level) == ("high", "II")
    assert a.proposal["policy"] == "2026-11-default" and a.proposal["reasons"]["risk"] == 3
    # The assessor overrides with a reason; the override is audited.
    with pytest.raises(ValidationError, match="理由"):
        services.save_report(assessor, a, data={}, override_level="I")
    services.save_report(assessor, a, data={}, override_level="I", override_reason="涉及婴幼儿，且已有多起伤害报告。")
    a.refresh_from_db()
    assert a.level == "I"
    assert AuditEvent.objects.filter(action="assessment.level_overridden", object_id=str(a.pk)).count() == 1

    # The panel: one approval, one dissent (which needs a note); submit needs every vote.
    services.send_to_panel(assessor, a)
    services.vote(expert, a, approve=True)
    with pytest.raises(ValidationError, match="尚未表态"):
        services.submit(assessor, a)
    with pytest.raises(ValidationError, match="意见"):
        services.vote(expert2, a, approve=False)
    services.vote(expert2, a, approve=False, note="证据不足以上调为 I 级，应维持规则建议的 II 级。")
    assert sorted(a.panel.values_list("vote", flat=True)) == [Vote.APPROVE, Vote.DISSENT]
    services.submit(assessor, a)

    # Confirmation, optionally after an expert meeting; afterwards the version is immutable.
    warning = world.user("warning")
    services.decide(
        warning,
        a,
        decision="confirm",
        meeting_on=dt.date(2026, 11, 30),
        meeting_attendees="王敏、刘洋、黄蕾",
        meeting_conclusion="同意评估结论。",
    )
    a.refresh_from_db()
    assert (a.status, a.confirmed_level, a.amended) == (Status.CONFIRMED, "I", False)
    with pytest.raises(ValidationError):
        services.save_report(assessor, a, data={"hazard": "改写"})
    a.hazard = "改写"
    with pytest.raises(ImmutableError):
        a.save()

    # The risk changes: a new version supersedes the confirmed one once it is confirmed; both stay readable.
    v2 = services.reassess(warning, Assessment.objects.get(pk=a.pk), reason="新增 12 起儿童夹伤报告")
    assert (v2.version, v2.supersedes_id, v2.lineage_id) == (2, a.pk, a.pk)
    assert v2.risk_level == "high" and v2.scenarios.count() == 1  # the report is carried over as a draft
    with pytest.raises(ValidationError, match="已有重新研判"):
        services.reassess(warning, Assessment.objects.get(pk=a.pk), reason="again")
    bring_to_panel_again(world, v2)
    services.decide(warning, v2, decision="amend", level="III", note="召回已完成八成，降为 III 级。")
    a.refresh_from_db()
    v2.refresh_from_db()
    assert (a.status, a.confirmed_level, v2.status, v2.confirmed_level, v2.amended) == (
        Status.SUPERSEDED,
        "I",
        Status.CONFIRMED,
        "III",
        True,
    )
    visible = queries.visible(warning).filter(lineage_id=a.pk)
    assert sorted(visible.values_list("version", flat=True)) == [1, 2]


def bring_to_panel_again(world, v2):
    assessor = world.user("assessor")
    services.start(assessor, v2)
    for name in ("刘洋",):
        services.declare_conflict(assessor, v2, Expert.objects.get(name=name), has_conflict=False)
        services.seat_expert(assessor, v2, Expert.objects.get(name=name))
    services.save_report(assessor, v2, data={"units": 400_000})
    services.send_to_panel(assessor, v2)
    services.vote(world.user("expert"), v2, approve=True)
    services.submit(assessor, v2)


def test_return_sends_the_report_back_and_counts_as_a_reversal(world, assessment):
    from riskgate.assessment.registry import institution_figures

    bring_to_panel(world, assessment)
    for username in ("expert", "expert2"):
        services.vote(world.user(username), assessment, approve=True)
    services.submit(world.user("assessor"), assessment)
    with pytest.raises(ValidationError, match="退回时请写明"):
        services.decide(world.user("warning"), assessment, decision="return")
    services.decide(world.user("warning"), assessment, decision="return", note="请补充实验室验证。")
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS and assessment.submitted_at is None
    figures = institution_figures()[world.org("caiq").pk]
    assert figures["reversals"] == 1 and figures["assessments"] == 1


def test_who_may_not(world, assessment):
    assessor, expert = world.user("assessor"), world.user("expert")
    # Information that is not verified cannot be assessed.
    raw = intake.create_information(
        world.user("warning"),
        data={"source_type": "media", "channel": "officer_entry", "title": "未核实", "hazard_types": ["physical"]},
    )
    with pytest.raises(ValidationError, match="尚未核实"):
        request(world, raw)
    # A bureau cannot ask about information outside its jurisdiction; a harbin officer cannot see Xi'an's.
    with pytest.raises(ValidationError, match="辖区"):
        request(world, verified_item(world), requester="harbin")
    # Only assessors of the named institution can lead; experts and port officers cannot request.
    with pytest.raises(ValidationError, match="牵头评估人"):
        request(world, verified_item(world), lead=world.user("expert"))
    with pytest.raises(PermissionDenied):
        request(world, verified_item(world), requester="port")
    # An expert who is not seated cannot vote; an assessor who is not assigned cannot act.
    bring_to_panel(world, assessment)
    outsider = Expert.objects.get(name="马骏")
    assert outsider.user is None
    with pytest.raises(PermissionDenied):
        services.vote(world.user("xian"), assessment, approve=True)
    other = _second_assessor(world)
    with pytest.raises(PermissionDenied):
        services.submit(other, assessment)
    assert not queries.visible(other).filter(pk=assessment.pk).exists()
    assert queries.visible(assessor).filter(pk=assessment.pk).exists()
    assert queries.visible(expert).filter(pk=assessment.pk).exists()
    # The harbin bureau neither sees nor confirms the warning office's assessment.
    assert not queries.visible(world.user("harbin")).filter(pk=assessment.pk).exists()
    with pytest.raises(PermissionDenied):
        services.decide(world.user("harbin"), assessment, decision="confirm")
    # An expert cannot seat another: seating is the assessor's.
    with pytest.raises(PermissionDenied):
        services.seat_expert(expert, assessment, Expert.objects.get(name="郑红"))


def _second_assessor(world):
    from riskgate.accounts.models import Role, User

    user = User.objects.create(
        username="assessor-b", role=Role.objects.get(code="assessor"), organisation=world.org("caiq")
    )
    return user


def test_seat_requires_an_expert_account_and_a_usable_institution(world, assessment):
    from riskgate.assessment.models import RegisteredBody

    assessor = world.user("assessor")
    services.start(assessor, assessment)
    zheng = Expert.objects.get(name="郑红")
    services.declare_conflict(assessor, assessment, zheng, has_conflict=False)
    with pytest.raises(ValidationError, match="专家账号"):
        services.seat_expert(assessor, assessment, zheng)
    RegisteredBody.objects.filter(organisation=world.org("caiq")).update(accepted=False)
    with pytest.raises(ValidationError, match="技术机构"):
        request(world, verified_item(world))
    RegisteredBody.objects.filter(organisation=world.org("third-party-lab")).update(valid_until=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="实验室"):
        services.add_lab_task(
            assessor, assessment, laboratory=world.org("third-party-lab"), samples="s", test_items="t", method="m"
        )


def test_working_group_with_named_members(world):
    info = verified_item(world)
    with pytest.raises(ValidationError, match="列明成员"):
        request(world, info, assignee_kind=AssigneeKind.WORKING_GROUP, institution=None, group_name="专门工作组")
    a = request(
        world,
        info,
        assignee_kind=AssigneeKind.WORKING_GROUP,
        institution=None,
        group_name="折叠椅专门工作组",
        members=[world.user("expert2")],
    )
    assert a.institution is None
    assert set(a.participants.values_list("username", flat=True)) == {"assessor", "expert2"}


def test_qualitative_scale_for_non_injury_risks(world):
    a = request(world, verified_item(world, title="原产地标识不符"), hazard_type="fraud")
    assessor = world.user("assessor")
    services.start(assessor, a)
    services.save_report(
        assessor,
        a,
        data={"method": RiskMethod.QUALITATIVE, "non_injury_kind": "fraud", "likelihood": 4, "impact": 3, "regions": 4},
    )
    a.refresh_from_db()
    assert a.risk_level == "serious"  # likely × major (docs/decisions/0007)
    assert a.proposed_level == "II"  # 4 points + regions 1 = 5 → II


def test_bad_probability_is_refused_with_the_step_named(world, assessment):
    services.start(world.user("assessor"), assessment)
    with pytest.raises(ValidationError) as exc:
        services.add_scenario(
            world.user("assessor"),
            assessment,
            description="x",
            severity=2,
            steps=[{"description": "a", "probability": "1/10"}, {"description": "b", "probability": "3/2"}],
        )
    assert "steps[2]" in exc.value.message_dict
    assert assessment.scenarios.count() == 0


def test_information_of_a_case_is_included(world):
    from riskgate.intake.models import RiskCase

    first, second = verified_item(world), verified_item(world, title="同款折叠椅夹伤")
    case = RiskCase.objects.create(title="折叠椅", organisation=first.organisation)
    RiskInformation.objects.filter(pk__in=[first.pk, second.pk]).update(case=case)
    a = request(world, first, information_ids=[], case=case)
    assert set(a.information.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_a_new_policy_version_grades_new_reports_and_old_ones_keep_theirs(world):
    import copy

    from riskgate.assessment.grading import DEFAULT_POLICY
    from riskgate.assessment.models import GradingPolicy

    first = request(world, verified_item(world))
    bring_to_panel(world, first)
    first.refresh_from_db()
    assert first.proposal["policy"] == "2026-11-default" and first.proposed_level == "II"
    stricter = copy.deepcopy(DEFAULT_POLICY)
    stricter.update(version="2027-01-stricter", thresholds={"I": 6, "II": 4, "III": 3})
    broken = GradingPolicy(version="broken", body={**stricter, "version": "broken", "thresholds": {"I": 1}})
    with pytest.raises(ValidationError, match="阈值"):
        broken.full_clean()
    policy = GradingPolicy(version="2027-01-stricter", body=stricter)
    policy.full_clean()
    policy.save()
    second = request(world, verified_item(world))
    bring_to_panel(world, second)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.proposal["policy"] == "2027-01-stricter" and second.proposed_level == "I"  # 6 points ≥ 6
    assert first.proposal["policy"] == "2026-11-default" and first.proposed_level == "II"
