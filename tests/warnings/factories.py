"""Warnings for tests: a confirmed assessment to draft from, a second officer for the four eyes, a published
warning."""

from riskgate.assessment import services as assessment_services
from riskgate.warnings import services
from tests.assessment.factories import bring_to_panel, request, verified_item

CONTENT = {
    "kinds": ["agency_notice", "public_announcement"],
    "title": "关于进口折叠椅夹伤风险的警示",
    "title_en": "Warning: imported folding chairs can trap children's fingers",
    "summary": "折叠机构展开时可夹伤儿童手指。",
    "summary_en": "The folding mechanism can trap a child's fingers when the chair is unfolded.",
    "items": "停止销售和使用涉及型号。",
    "measures": "口岸加严查验；责令召回。",
    "hs_codes": ["9401"],
    "origin_countries": ["CN"],
}


def confirmed_assessment(world, requester="warning", info=None):
    a = request(world, info or verified_item(world), requester=requester)
    bring_to_panel(world, a)
    for username in ("expert", "expert2"):
        assessment_services.vote(world.user(username), a, approve=True)
    assessment_services.submit(world.user("assessor"), a)
    assessment_services.decide(world.user(requester), a, decision="confirm")
    a.refresh_from_db()
    return a


def second_officer(world, username="warning2", org="gacc-warning-office", role="warning_officer"):
    from riskgate.accounts.models import Role, User

    user, _created = User.objects.get_or_create(
        username=username, defaults={"role": Role.objects.get(code=role), "organisation": world.org(org)}
    )
    return user


def published(world, data=None):
    a = confirmed_assessment(world)
    notice = services.draft_from_assessment(world.user("warning"), a, data={**CONTENT, **(data or {})})
    services.submit_for_review(world.user("warning"), notice)
    approver = second_officer(world)
    services.approve(approver, notice)
    return services.publish(approver, notice), approver
