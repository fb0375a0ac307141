"""The archive (R-ARC-1, Art.31): closed records are archived and classified, kept three years (major cases
long-term, typical cases permanently, held records until released), and disposed of only after a second officer
approves the retention review — exactly what is past retention, leaving tombstones, the audit chain intact, and a
second run changing nothing. Frozen clocks throughout."""

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from riskgate.accounts.models import Role, User
from riskgate.archive import queries, services
from riskgate.archive.models import ArchivedRecord, ArchiveState, DisposalReview, ItemOutcome, ReviewStatus
from riskgate.core import audit
from riskgate.core.models import AuditEvent
from riskgate.enforcement import services as enforcement
from riskgate.intake import services as intake
from riskgate.intake.evidence import attach
from riskgate.intake.models import Evidence, RiskInformation, StatusChange

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n" + b"0" * 200
CLOSED = dt.datetime(2022, 3, 1, 10, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2025, 3, 2, 9, 0, tzinfo=dt.UTC)  # three years and a day later


def _closed_item(world, title, status="rejected"):
    info = intake.create_information(
        world.user("xian"),
        data={"source_type": "consumer_complaint", "channel": "hotline", "title": title, "hazard_types": ["physical"]},
    )
    intake.transition(world.user("xian"), info, to_status=status, reason="与进出口商品无关")
    return info


def _penalty(world, number, serious=False):
    return enforcement.record_penalty(
        world.user("xian"),
        {
            "enterprise": world.org("ent-xian-trading"),
            "document_number": number,
            "decided_on": CLOSED.date(),
            "facts": "进口儿童玩具未经检验擅自销售。",
            "legal_basis": "《进出口商品检验法》第三十三条",
            "penalties": ["warning"],
            "fine_yuan": 0,
            "serious": serious,
        },
    )


@pytest.fixture
def closed(world, settings, tmp_path):
    """On 1 March 2022: four rejected items (one with a report attached), one still open, an ordinary and a
    serious penalty case; archived the next day; one item then classified typical, one put on legal hold."""
    settings.MEDIA_ROOT = tmp_path / "files"
    with time_machine.travel(CLOSED, tick=False):
        made = {
            "plain": _closed_item(world, "插线板外壳开裂"),
            "filed": _closed_item(world, "充电宝鼓包"),
            "typical": _closed_item(world, "儿童推车折叠夹手"),
            "held": _closed_item(world, "电热毯局部过热"),
            "open": intake.create_information(
                world.user("xian"),
                data={
                    "source_type": "consumer_complaint",
                    "channel": "hotline",
                    "title": "仍在核实",
                    "hazard_types": ["physical"],
                },
            ),  # fmt: skip
            "penalty": _penalty(world, "西关缉违字〔2022〕1号"),
            "serious": _penalty(world, "西关缉违字〔2022〕2号", serious=True),
        }
        attach(made["filed"], [SimpleUploadedFile("检测报告.pdf", PDF)], actor=world.user("xian"))
    with time_machine.travel(CLOSED + dt.timedelta(days=1), tick=False):
        services.run_retention()
        archived = {key: _archived(obj) for key, obj in made.items() if key != "open"}
        services.classify(world.user("xian"), archived["typical"], {"importance": "typical", "reason": "典型案例汇编"})
        services.hold(world.user("xian"), archived["held"], {"reason": "涉诉：（2022）陕01民初12号"})
    return made


def _archived(obj) -> ArchivedRecord:
    return ArchivedRecord.objects.get(object_id=obj.pk, reference=obj.reference)


def second_officer(world) -> User:
    """Another officer of the same bureau."""
    return User.objects.create_user(
        "xian2",
        password=world.password,
        organisation=world.org("xian-customs"),
        role=Role.objects.get(code="bureau_officer"),
    )


def test_closed_records_are_archived_and_classified_by_their_facts(world, closed):
    kept = {r.reference: r for r in ArchivedRecord.objects.all()}
    assert closed["open"].reference not in kept
    plain = kept[closed["plain"].reference]
    assert (plain.category, plain.importance, plain.retention) == ("information", "ordinary", "short")
    assert plain.closed_at == CLOSED and plain.retain_until == dt.date(2025, 3, 1)
    serious = kept[closed["serious"].reference]
    assert (serious.importance, serious.retention) == ("major", "long")
    assert serious.retain_until == dt.date(2052, 3, 1) and serious.basis
    typical = kept[closed["typical"].reference]
    assert (typical.importance, typical.retention, typical.retain_until) == ("typical", "permanent", None)
    assert typical.classified_by == world.user("xian")


def test_nothing_is_due_before_three_years_have_passed(world, closed):
    with time_machine.travel(DUE - dt.timedelta(days=2), tick=False):
        assert queries.plan(timezone.localdate()) == []
        assert services.run_retention() == {"archived": 0, "reviews": 0}
    assert not DisposalReview.objects.exists()


def test_retention_disposes_exactly_what_is_past_retention_after_a_second_officer_approves(
    world, closed, django_capture_on_commit_callbacks
):
    stored = Path(Evidence.objects.get(information=closed["filed"]).file.path)
    assert stored.exists()
    with time_machine.travel(DUE, tick=False):
        assert services.run_retention() == {"archived": 0, "reviews": 1}
        review = DisposalReview.objects.get()
        listed = {i.record.reference for i in review.items.select_related("record")}
        assert listed == {closed["plain"].reference, closed["filed"].reference, closed["penalty"].reference}
        # The dry run disposes of nothing.
        assert RiskInformation.objects.filter(pk=closed["plain"].pk).exists()
        assert {i.record.reference: queries.expected(i.record) for i in review.items.all()} == {r: "" for r in listed}

        events = AuditEvent.objects.count()
        assert services.run_retention() == {"archived": 0, "reviews": 0}, "a second run the same day is a no-op"
        assert AuditEvent.objects.count() == events and DisposalReview.objects.count() == 1

        services.submit(world.user("xian"), review, {"note": "已核对"})
        with pytest.raises(ValidationError, match="另一名人员"):
            services.approve(world.user("xian"), review, {})
        with pytest.raises(PermissionDenied):
            services.approve(world.user("harbin"), review, {})  # not in Harbin's jurisdiction
        # Between submission and approval the penalty case goes on hold: it is kept, with why.
        services.hold(world.user("xian"), _archived(closed["penalty"]), {"reason": "行政复议中"})
        with django_capture_on_commit_callbacks(execute=True):
            services.approve(second_officer(world), review, {"note": "同意销毁"})

    review.refresh_from_db()
    assert review.status == ReviewStatus.EXECUTED and review.decided_by.username == "xian2"
    outcomes = {i.record.reference: (i.outcome, i.note) for i in review.items.select_related("record")}
    assert outcomes[closed["penalty"].reference] == (ItemOutcome.KEPT, "诉讼保全中。")
    gone = [closed["plain"], closed["filed"]]
    assert not RiskInformation.objects.filter(pk__in=[o.pk for o in gone]).exists()
    assert not StatusChange.objects.filter(information_id__in=[o.pk for o in gone]).exists()
    assert not Evidence.objects.filter(information_id=closed["filed"].pk).exists() and not stored.exists()
    for obj in gone:
        tombstone = _archived(obj)
        assert tombstone.state == ArchiveState.DISPOSED and tombstone.review == review
        assert tombstone.disposed_at == DUE and len(tombstone.content_sha256) == 64
        assert tombstone.disposed_rows >= 2  # the item and its status changes
    assert _archived(closed["filed"]).disposed_files == 1
    survivors = ["typical", "held", "open", "penalty", "serious"]
    assert all(type(closed[k]).objects.filter(pk=closed[k].pk).exists() for k in survivors)
    disposed = AuditEvent.objects.filter(action="archive.disposed").values_list("object_repr", flat=True)
    assert sorted(disposed) == sorted(o.reference for o in gone)
    assert audit.verify_chain().ok

    with time_machine.travel(DUE + dt.timedelta(hours=1), tick=False):
        events = AuditEvent.objects.count()
        assert services.run_retention() == {"archived": 0, "reviews": 0}
        assert AuditEvent.objects.count() == events, "nothing left to do: the second run writes nothing"


def test_a_rejected_review_disposes_of_nothing_and_a_release_makes_a_held_record_due(world, closed):
    with time_machine.travel(DUE, tick=False):
        services.run_retention()
        review = DisposalReview.objects.get()
        services.submit(world.user("xian"), review, {})
        with pytest.raises(ValidationError, match="理由"):
            services.reject(world.user("warning"), review, {"note": " "})
        services.reject(world.user("warning"), review, {"note": "待档案室复核"})
        assert set(review.items.values_list("outcome", flat=True)) == {ItemOutcome.KEPT}
        assert RiskInformation.objects.filter(pk=closed["plain"].pk).exists()
        services.release(world.user("xian"), _archived(closed["held"]), {"reason": "诉讼已终结"})
        services.run_retention()
    fresh = DisposalReview.objects.exclude(pk=review.pk).get()
    assert closed["held"].reference in {i.record.reference for i in fresh.items.select_related("record")}


def test_a_reopened_record_leaves_the_archive_and_returns_when_it_closes_again(world, closed):
    info = closed["plain"]
    with time_machine.travel(CLOSED + dt.timedelta(days=30), tick=False):
        RiskInformation.objects.filter(pk=info.pk).update(status="under_verification")  # as a correction would
        services.run_retention()
        assert _archived(info).state == ArchiveState.WITHDRAWN
        intake.transition(world.user("xian"), info, to_status="rejected", reason="复核后仍不予采纳")
        services.run_retention()
    again = _archived(info)
    assert again.state == ArchiveState.KEPT and again.retain_until == dt.date(2025, 3, 31)


def test_the_archive_package_holds_the_records_files_and_audit_events_with_their_hashes(world, closed):
    name, content = services.package(world.user("xian"), _archived(closed["filed"]))
    assert name == f"{closed['filed'].reference}.zip"
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        manifest = json.loads(package.read("manifest.json"))
        for member in manifest["members"]:
            data = package.read(member["name"])
            assert hashlib.sha256(data).hexdigest() == member["sha256"] and len(data) == member["bytes"]
        names = {m["name"] for m in manifest["members"]}
        assert {"records.json", "audit.json"} <= names
        assert any(n.startswith("files/intake.evidence/") and n.endswith(".pdf") for n in names)
        records = json.loads(package.read("records.json"))
        assert {"intake.riskinformation", "intake.statuschange", "intake.evidence"} <= {r["model"] for r in records}
        actions = {e["action"] for e in json.loads(package.read("audit.json"))}
        assert {"intake.created", "intake.rejected"} <= actions
    assert AuditEvent.objects.filter(action="archive.exported", object_repr=closed["filed"].reference).exists()
    with pytest.raises(PermissionDenied):
        services.package(world.user("harbin"), _archived(closed["filed"]))


def test_the_retention_command_dry_run_writes_nothing(world, closed, capsys):
    with time_machine.travel(DUE, tick=False):
        events = AuditEvent.objects.count()
        call_command("retention", "--dry-run")
        out = capsys.readouterr().out
        assert AuditEvent.objects.count() == events and not DisposalReview.objects.exists()
        assert closed["plain"].reference in out and "3 archived records past retention; 3 would be disposed" in out
        call_command("retention")
        assert "1 disposal reviews drafted" in capsys.readouterr().out
