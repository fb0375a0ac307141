"""Assessments for tests: a verified item, a request for it, a report brought to the panel."""

from riskgate.assessment import services
from riskgate.assessment.models import (
    AssigneeKind,
    Expert,
    RiskMethod,
)
from riskgate.intake import services as intake
from riskgate.intake.models import Status as InfoStatus


def verified_item(world, username="warning", title="折叠椅夹伤手指", organisation=None):
    officer = world.user(username)
    info = intake.create_information(
        officer,
        data={
            "source_type": "foreign_recall",
            "channel": "officer_entry",
            "title": title,
            "hazard_types": ["physical"],
            **({"organisation": organisation} if organisation else {}),
        },
    )
    intake.transition(officer, info, to_status=InfoStatus.UNDER_VERIFICATION)
    intake.transition(officer, info, to_status=InfoStatus.VERIFIED)
    return info


def request(world, info, **overrides):
    values = {
        "title": "进口折叠椅夹伤风险研判",
        "hazard_type": "physical",
        "assignee_kind": AssigneeKind.INSTITUTION,
        "institution": world.org("caiq"),
        "lead": world.user("assessor"),
        "information_ids": [info.pk],
        "question": "评估夹伤风险并提出措施建议。",
    }
    values.update(overrides)
    return services.request_assessment(world.user(values.pop("requester", "warning")), **values)


REPORT = {
    "method": RiskMethod.RAPEX,
    "hazard": "折叠机构在展开时夹住手指。",
    "units": 250_000,
    "regions": 5,
    "cross_border": True,
    "residual_risk": "召回后仍有部分产品在消费者手中。",
    "recommended_measures": "责令召回；口岸布控同型号产品。",
    "uncertainty": "使用频率按同类产品估计。",
    "sensitivity": "第二步概率取 1/20 时等级不变。",
}


def chair_scenario(assessor, assessment, last_step: str):
    """Fingers caught when a child unfolds the chair (severity 2): 1 × 1/10 × the last step."""
    return services.add_scenario(
        assessor,
        assessment,
        description="儿童展开折叠椅时手指被夹，导致骨折",
        severity=2,
        steps=[
            {"description": "折叠机构有夹缝", "probability": "1"},
            {"description": "儿童展开椅子", "probability": "1/10"},
            {"description": "手指在夹缝中并被夹伤", "probability": last_step},
        ],
        group="vulnerable",
    )


def bring_to_panel(world, assessment):
    assessor = world.user("assessor")
    services.start(assessor, assessment)
    for name in ("刘洋", "黄蕾"):
        services.declare_conflict(assessor, assessment, Expert.objects.get(name=name), has_conflict=False)
        services.seat_expert(assessor, assessment, Expert.objects.get(name=name), chair=name == "刘洋")
    chair_scenario(assessor, assessment, "1/10")
    services.save_report(assessor, assessment, data=REPORT)
    services.send_to_panel(assessor, assessment)
