"""The red and black lists (R-CRD-1, plans §三 12): entry criteria as data, a second officer before publication,
the portal shows published entries only, entries leave at expiry, on revocation or after credit repair — and the
history stays."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.credit import queries, services
from riskgate.credit.models import ListCriterion, ListEntry, RepairApplication

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 rectification report"


def _penalise(enterprise, source="document:渝关缉违字〔2026〕12号", days_ago=30):
    services.record_event(
        enterprise=enterprise,
        kind="penalty_serious",
        source=source,
        detail="逃避检验",
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.fixture
def black():
    return ListCriterion.objects.get(code="black-serious-violation")


@pytest.fixture
def penalised(world):
    enterprise = world.org("ent-xian-trading")
    _penalise(enterprise)
    return enterprise


def _published(world, enterprise, criterion):
    entry = services.propose(world.user("warning"), enterprise, criterion, reason="严重违法", public_summary="受到处罚")
    return services.decide(world.user("xian"), entry, approve=True, note="同意")


def test_candidates_follow_the_criteria_and_only_those_who_meet_one_can_be_proposed(world, black, penalised):
    warning = world.user("warning")
    assert [e.code for e in queries.candidates(warning, black)] == ["ent-xian-trading"]
    with pytest.raises(ValidationError, match="不符合"):
        services.propose(warning, world.org("ent-baoji-toys"), black, reason="x", public_summary="x")
    with pytest.raises(PermissionDenied):
        services.propose(world.user("port"), penalised, black, reason="x", public_summary="x")
    entry = services.propose(warning, penalised, black, reason="严重违法", public_summary="受到处罚")
    assert entry.facts[0]["kind"] == "penalty_serious" and entry.status == "proposed"
    assert queries.candidates(warning, black) == []  # proposed: no longer a candidate
    with pytest.raises(ValidationError, match="已在此名单上"):
        services.propose(warning, penalised, black, reason="再次", public_summary="x")
    # Two penalties more than a year old no longer meet it.
    old = world.org("ent-baoji-toys")
    _penalise(old, "document:旧案", days_ago=400)
    assert not queries.meets(black, old)


def test_publishing_needs_a_second_officer_and_only_published_entries_reach_the_portal(world, black, penalised):
    entry = services.propose(
        world.user("warning"), penalised, black, reason="内部：刑事线索", public_summary="受到处罚"
    )
    portal = world.client_for("anonymous").get(reverse("credit:portal_lists")).content.decode()
    assert entry.reference not in portal
    with pytest.raises(ValidationError, match="另一名"):
        services.decide(world.user("warning"), entry, approve=True)
    with pytest.raises(PermissionDenied):  # Harbin's officer: not the jurisdiction
        services.decide(world.user("harbin"), entry, approve=True)
    with pytest.raises(ValidationError, match="意见"):
        services.decide(world.user("xian"), entry, approve=False)
    services.decide(world.user("xian"), entry, approve=True, note="同意")
    entry.refresh_from_db()
    assert entry.status == "published" and entry.expires_on == timezone.localdate() + dt.timedelta(days=1095)
    portal = world.client_for("anonymous").get(reverse("credit:portal_lists") + "?kind=black").content.decode()
    assert entry.reference in portal and penalised.uscc in portal and "受到处罚" in portal
    assert "内部：刑事线索" not in portal  # the internal reason is never published
    assert (
        entry.reference
        not in world.client_for("anonymous").get(reverse("credit:portal_lists") + "?kind=red").content.decode()
    )
    actions = list(
        AuditEvent.objects.filter(object_type="credit.listentry").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["credit_list.proposed", "credit_list.published"]


def test_credit_repair_takes_the_entry_off_the_list_and_keeps_the_history(world, black, penalised):
    entry = _published(world, penalised, black)
    evidence = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    with pytest.raises(PermissionDenied):  # an officer does not apply for the enterprise
        services.apply_repair(world.user("xian"), entry, statement="x", evidence=evidence)
    with pytest.raises(ValidationError, match="证明材料"):
        services.apply_repair(world.user("enterprise"), entry, statement="已整改", evidence=None)
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="类型不被接受"):
        services.apply_repair(world.user("enterprise"), entry, statement="已整改", evidence=fake)
    first = services.apply_repair(world.user("enterprise"), entry, statement="已缴纳罚款并整改", evidence=evidence)
    with pytest.raises(ValidationError, match="待审核"):
        services.apply_repair(
            world.user("enterprise"), entry, statement="再次", evidence=SimpleUploadedFile("b.pdf", PDF)
        )
    services.decide_repair(world.user("xian"), first, approve=False, note="未见整改验收报告")
    entry.refresh_from_db()
    assert entry.status == "published"
    second = services.apply_repair(
        world.user("enterprise"), entry, statement="补充整改验收报告", evidence=SimpleUploadedFile("c.pdf", PDF)
    )
    services.decide_repair(world.user("warning"), second, approve=True, note="整改到位")
    entry.refresh_from_db()
    assert (entry.status, entry.removal_kind) == ("removed", "repaired") and second.reference in entry.removal_reason
    # Nothing is lost: both applications, the entry and every step stay.
    assert list(RepairApplication.objects.order_by("id").values_list("status", flat=True)) == ["rejected", "approved"]
    assert ListEntry.objects.filter(pk=entry.pk).exists()
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "credit_repair.applied",
        "credit_repair.rejected",
        "credit_repair.approved",
        "credit_list.removed",
    }
    portal = world.client_for("anonymous").get(reverse("credit:portal_lists")).content.decode()
    assert entry.reference not in portal
    # The enterprise may be listed again under a new entry; the old one stays in its history.
    _penalise(penalised, "document:新案")
    again = services.propose(world.user("warning"), penalised, black, reason="再犯", public_summary="再次受到处罚")
    assert again.pk != entry.pk and queries.entries_of(penalised)[-1] == entry


def test_entries_leave_at_expiry_and_on_revocation(world, black, penalised):
    entry = _published(world, penalised, black)
    assert services.expire(timezone.now() + dt.timedelta(days=1000)) == 0
    assert services.expire(timezone.now() + dt.timedelta(days=1097)) == 1
    entry.refresh_from_db()
    assert (entry.status, entry.removal_kind) == ("removed", "expired")
    assert services.expire(timezone.now() + dt.timedelta(days=1200)) == 0
    other = world.org("ent-baoji-toys")
    _penalise(other, "document:宝关")
    revoked = _published(world, other, black)
    with pytest.raises(ValidationError, match="理由"):
        services.revoke(world.user("warning"), revoked, reason="")
    services.revoke(world.user("warning"), revoked, reason="处罚决定被复议撤销")
    revoked.refresh_from_db()
    assert (revoked.status, revoked.removal_kind, revoked.removed_by) == ("removed", "revoked", world.user("warning"))


def test_the_red_list_needs_the_grade_a_certification_and_a_clean_year(world):
    red = ListCriterion.objects.get(code="red-exemplary")
    enterprise = world.org("ent-baoji-toys")
    now = timezone.now()
    services.record_event(
        enterprise=enterprise, kind="customs_certified", source="document:AEO", detail="", occurred_at=now
    )
    assert queries.meets(red, enterprise)
    services.record_event(
        enterprise=enterprise, kind="inspection_non_conforming", source="inspection:IT1", detail="", occurred_at=now
    )
    assert queries.grade_of(enterprise) == "advanced" and not queries.meets(red, enterprise)  # not a clean year


def test_the_pages_post_as_a_browser_does_and_the_enterprise_applies_from_its_credit_page(world, black, penalised):
    officer, reviewer, own = world.client_for("warning"), world.client_for("xian"), world.client_for("enterprise")
    page = officer.get(reverse("credit:lists")).content.decode()
    assert f'data-candidate="black-serious-violation:{penalised.code}"' in page
    form = {"criterion": black.pk, "enterprise": penalised.pk, "reason": "内部：刑事线索", "public_summary": ""}
    assert officer.post(reverse("credit:propose_entry"), form).status_code == 302
    assert not ListEntry.objects.exists()  # no public text: refused, nothing stored
    response = officer.post(reverse("credit:propose_entry"), {**form, "public_summary": "受到处罚"})
    entry = ListEntry.objects.get()
    assert response.url == reverse("credit:entry", args=[entry.pk])
    # The enterprise does not see a proposal, nor the entry's internal page.
    assert entry.reference not in own.get(reverse("credit:enterprise", args=[penalised.pk])).content.decode()
    assert own.get(reverse("credit:entry", args=[entry.pk])).status_code == 404
    approve = reverse("credit:entry_act", args=[entry.pk, "approve"])
    assert officer.post(approve, {"note": ""}).status_code == 400
    assert reviewer.post(approve, {"note": "同意"}).status_code == 302
    credit_page = own.get(reverse("credit:enterprise", args=[penalised.pk])).content.decode()
    assert entry.reference in credit_page and "申请信用修复" in credit_page and "内部：刑事线索" not in credit_page
    apply = reverse("credit:apply_repair", args=[entry.pk])
    missing = own.post(apply, {"statement": "已整改"})
    assert missing.status_code == 400 and 'class="error-summary"' in missing.content.decode()
    upload = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    assert own.post(apply, {"statement": "已整改", "evidence": upload}).status_code == 302
    repair = RepairApplication.objects.get()
    assert own.get(reverse("credit:repair_evidence", args=[repair.pk])).status_code == 200
    assert world.client_for("harbin").get(reverse("credit:repair_evidence", args=[repair.pk])).status_code == 404
    entry_page = reviewer.get(reverse("credit:entry", args=[entry.pk])).content.decode()
    assert repair.reference in entry_page and "准予修复" in entry_page
    decide = reverse("credit:entry_act", args=[entry.pk, "repair-approve"])
    assert reviewer.post(decide, {"repair": repair.pk, "note": "整改到位"}).status_code == 302
    entry.refresh_from_db()
    assert entry.removal_kind == "repaired"
    reviewer.cookies["django_language"] = "en"
    english = reviewer.get(reverse("credit:entry", args=[entry.pk])).content.decode()
    assert "Credit repair" in english and "Black list" in english
