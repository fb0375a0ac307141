"""Warning notices (issue 5 groundwork): drafting from a confirmed assessment or by the emergency path, four eyes,
authority rules as data, publication, adjustment as a new version, lifting by the authority or at expiry."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from riskgate.warnings import services
from riskgate.warnings.models import AuthorityRule, Change, Path, Status, WarningNotice
from tests.assessment.factories import request, verified_item
from tests.warnings.factories import CONTENT, confirmed_assessment, published, second_officer


def test_draft_review_publish_with_four_eyes(world):
    a = confirmed_assessment(world)
    drafter = world.user("warning")
    notice = services.draft_from_assessment(drafter, a, data=CONTENT)
    assert (notice.level, notice.status, notice.reference) == (a.confirmed_level, Status.DRAFT, f"RW{notice.pk:08d}-v1")
    services.submit_for_review(drafter, notice)
    with pytest.raises(PermissionDenied):
        services.approve(drafter, notice)  # the drafter never approves their own warning
    approver = second_officer(world)
    with pytest.raises(ValidationError, match="已批准"):
        services.publish(approver, notice)
    services.approve(approver, notice)
    notice = services.publish(approver, notice)
    assert notice.status == Status.PUBLISHED and notice.published_at and notice.starts_at == notice.published_at
    assert [h.action for h in notice.history.all()] == ["drafted", "submitted", "approved", "published"]


def test_only_a_confirmed_assessment_is_a_basis(world):
    a = request(world, verified_item(world))
    with pytest.raises(ValidationError, match="已确认"):
        services.draft_from_assessment(world.user("warning"), a, data=CONTENT)
    with pytest.raises(PermissionDenied):
        services.draft_from_assessment(world.user("assessor"), confirmed_assessment(world), data=CONTENT)


def test_a_bureau_cannot_issue_beyond_its_authority(world):
    """The shipped rules: level I only nationally; a bureau up to II, notices to agencies and businesses, in its
    own region."""
    xian = world.user("xian")
    info = verified_item(world, username="xian")
    a = confirmed_assessment(world, requester="xian", info=info)
    notice = services.draft_from_assessment(
        xian, a, data={**CONTENT, "level": "I", "kinds": ["agency_notice"], "regions": ["610100"]}
    )
    with pytest.raises(ValidationError, match="最高只能发布"):
        services.submit_for_review(xian, notice)
    services.update_draft(xian, notice, data={"level": "II", "kinds": ["public_announcement"]})
    with pytest.raises(ValidationError, match="不能发布"):
        services.submit_for_review(xian, notice)
    services.update_draft(xian, notice, data={"kinds": ["agency_notice"], "regions": ["230100"]})
    with pytest.raises(ValidationError, match="本辖区"):
        services.submit_for_review(xian, notice)
    services.update_draft(xian, notice, data={"regions": ["610100", "610400"]})
    services.submit_for_review(xian, notice)
    # The rules are data: a second Xi'an officer approves; then tightening the rule stops publication.
    approver = second_officer(world, "xian2", "xian-customs", "bureau_officer")
    services.approve(approver, notice)
    AuthorityRule.objects.filter(organisation_kind="direct_bureau").update(highest_level="III")
    with pytest.raises(ValidationError, match="最高只能发布"):
        services.publish(approver, notice)
    # Harbin cannot even see it.
    with pytest.raises(PermissionDenied):
        services.approve(world.user("harbin"), notice)


def test_adjustment_is_a_new_version_and_old_ones_stay(world):
    v1, approver = published(world)
    drafter = world.user("warning")
    with pytest.raises(ValidationError, match="理由"):
        services.adjust(drafter, v1, reason="", data={"level": "I"})
    v2 = services.adjust(drafter, v1, reason="伤害报告增多", data={})
    with pytest.raises(ValidationError, match="须改变"):
        services.submit_for_review(drafter, v2)
    v2 = services.update_draft(drafter, v2, data={"level": "I", "regions": ["610000"]})
    assert (v2.version, v2.change, v2.supersedes_id, v2.status) == (2, Change.ADJUSTED, v1.pk, Status.DRAFT)
    v1.refresh_from_db()
    assert v1.status == Status.PUBLISHED  # the published version stays in force until the adjustment is published
    services.submit_for_review(drafter, v2)
    services.approve(approver, v2)
    services.publish(approver, v2)
    v1.refresh_from_db()
    assert v1.status == Status.SUPERSEDED and v1.ended_at is not None
    assert list(WarningNotice.objects.filter(lineage_id=v1.pk).values_list("version", "status")) == [
        (2, Status.PUBLISHED),
        (1, Status.SUPERSEDED),
    ]
    with pytest.raises(ValidationError, match="当前发布中"):
        services.adjust(drafter, v1, reason="旧版本", data={"level": "IV"})


def test_lifting_by_the_authority_and_at_expiry(world):
    v1, approver = published(world)
    with pytest.raises(ValidationError, match="理由"):
        services.lift(approver, v1, reason=" ")
    cancel = services.lift(approver, v1, reason="召回完成，风险已消除")
    v1.refresh_from_db()
    assert (cancel.change, cancel.status, v1.status) == (Change.LIFTED, Status.LIFTED, Status.SUPERSEDED)
    with pytest.raises(ValidationError):
        services.lift(approver, v1, reason="again")

    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        other, _approver = published(world, {"valid_until": start + dt.timedelta(days=30)})
        clock.move_to(start + dt.timedelta(days=29))
        assert services.lift_expired() == 0
        clock.move_to(start + dt.timedelta(days=30, minutes=1))
        assert services.lift_expired() == 1
        assert services.lift_expired() == 0
    lifted = services.current(other)
    assert lifted.change == Change.LIFTED and lifted.published_at == start + dt.timedelta(days=30, minutes=1)


def test_emergency_path_before_the_report(world):
    drafter = world.user("warning")
    with pytest.raises(ValidationError, match="理由"):
        services.draft_emergency(drafter, data={**CONTENT, "level": "I", "hazard_type": "physical"}, reason="")
    notice = services.draft_emergency(
        drafter, data={**CONTENT, "level": "I", "hazard_type": "physical"}, reason="已致 3 名儿童受伤，需立即处置"
    )
    assert notice.path == Path.EMERGENCY and notice.assessment is None
    services.submit_for_review(drafter, notice)
    approver = second_officer(world)
    services.approve(approver, notice)
    services.publish(approver, notice)
    assert [h.action for h in notice.history.all()][0] == "drafted_emergency"


def test_tokens_never_draft_or_approve(world):
    from riskgate.accounts import services as accounts
    from riskgate.accounts.models import ApiToken, TokenPrincipal

    accounts.issue_token(
        world.user("admin"),
        name="w",
        organisation=world.org("gacc-warning-office"),
        permissions=["warning:notice:draft", "warning:notice:approve"],
        expires_at=None,
    )
    token = TokenPrincipal(ApiToken.objects.get(name="w"))
    with pytest.raises(PermissionDenied):
        services.draft_from_assessment(token, confirmed_assessment(world), data=CONTENT)


def test_region_containment():
    assert services.region_within("610102", "610000") and services.region_within("610102", "610100")
    assert not services.region_within("620102", "610000") and not services.region_within("610202", "610100")
    assert services.region_within("110105", "110000")


def test_the_audit_trail_shows_warning_changes(world):
    """A warning's changed fields include one named "items", which a template's `changes.items` would mistake for
    the dictionary's key: the audit page must still list every field."""
    published(world)
    page = world.client_for("auditor").get("/audit/?action=warning.drafted")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<span title="items">警示事项</span>' in text and '<span title="measures">措施</span>' in text


def test_publication_time_limit_is_escalated_once(world):
    from django.core.management import call_command

    from riskgate.core.models import Notification
    from riskgate.warnings.services.deadlines import escalate_unpublished

    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        a = confirmed_assessment(world)  # level II: 48 hours
        clock.move_to(start + dt.timedelta(hours=47))
        assert escalate_unpublished() == 0
        clock.move_to(start + dt.timedelta(hours=49))
        call_command("escalate_unpublished_warnings")
        assert escalate_unpublished() == 0
        told = set(
            Notification.objects.filter(kind="warning.publication_overdue").values_list("organisation__code", flat=True)
        )
        assert told == {"gacc-warning-office", "gacc"}
        # Once the warning is published, nothing is overdue any more.
        notice = services.draft_from_assessment(world.user("warning"), a, data=CONTENT)
        services.submit_for_review(world.user("warning"), notice)
        approver = second_officer(world)
        services.approve(approver, notice)
        services.publish(approver, notice)
        from riskgate.warnings.services.deadlines import overdue_publications

        assert overdue_publications() == []
