"""R-ORG-3: the audit trail is append-only, written with the change, and tampering is detected."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from riskgate.accounts import services
from riskgate.core import audit
from riskgate.core.models import AuditEvent, AuditHead
from tests.accounts.factories import fresh_uscc
from tests.core.exporting import exported


def make_events(n=5):
    for i in range(n):
        audit.record(actor=None, action="test.event", object_type="test", object_id=str(i), changes=audit.facts(i=i))


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_chain_links_each_event_to_the_one_before():
    make_events(3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert AuditHead.objects.get().hash == events[2].hash
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_orm_cannot_change_or_delete_audit_rows():
    make_events(1)
    event = AuditEvent.objects.get()
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_sql_update_of_an_audit_row_is_reported_by_verify_audit():
    make_events(5)
    raw("UPDATE core_auditevent SET reason = %s WHERE seq = 3", ["edited behind the system's back"])
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 3 and "changed" in report.problem
    with pytest.raises(CommandError, match="BROKEN at seq 3"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_sql_update_of_changes_json_is_reported():
    make_events(4)
    raw("UPDATE core_auditevent SET changes = %s WHERE seq = 2", ['{"i": [null, 99]}'])
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 2


@pytest.mark.django_db
def test_sql_delete_in_the_middle_is_reported():
    make_events(5)
    raw("DELETE FROM core_auditevent WHERE seq = 2")
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 2 and "missing" in report.problem


@pytest.mark.django_db
def test_sql_delete_of_the_latest_events_is_reported():
    make_events(5)
    raw("DELETE FROM core_auditevent WHERE seq >= 4")
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 4 and "head" in report.problem


@pytest.mark.django_db
def test_rehashed_forgery_is_still_caught_by_the_next_link():
    """Rewriting a row and recomputing its own hash breaks the link from the event after it."""
    make_events(4)
    event = AuditEvent.objects.get(seq=2)
    event.reason = "forged"
    forged = audit.compute_hash(event)
    raw("UPDATE core_auditevent SET reason = %s, hash = %s WHERE seq = 2", ["forged", forged])
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 3 and "previous-hash" in report.problem


@pytest.mark.django_db
def test_verify_audit_command_reports_an_intact_chain():
    make_events(3)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact: 3 events" in out.getvalue()


@pytest.mark.django_db
def test_audit_event_is_rolled_back_with_the_change():
    """Written in the same transaction: a failed change leaves no event, and vice versa."""
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="test.event")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == 0
    assert audit.verify_chain().ok


def test_enterprise_creation_writes_its_audit_event(world):
    xian = world.user("xian")
    org = services.create_enterprise(
        xian,
        data={
            "name": "审计测试企业",
            "code": "audit-ent",
            "uscc": fresh_uscc(),
            "parent": world.org("xianyang-customs"),
        },
    )
    event = AuditEvent.objects.filter(action="organisation.created", object_id=str(org.pk)).get()
    assert event.actor == xian and event.organisation == world.org("xian-customs")
    assert event.changes["name"] == [None, "审计测试企业"]
    assert audit.verify_chain().ok


def test_reads_of_confidential_enterprise_records_are_audited(world):
    ent = world.org("ent-xian-trading")
    client = world.client_for("bureau_officer")
    client.get(f"/organisations/{ent.pk}/", REMOTE_ADDR="10.1.2.3")
    client.get(f"/api/v1/organisations/{ent.pk}")
    reads = AuditEvent.objects.filter(action="view", object_id=str(ent.pk), actor=world.user("xian"))
    assert reads.count() == 2
    assert reads.order_by("seq").first().ip == "10.1.2.3"


def test_denied_reads_leave_no_read_event(world):
    ent = world.org("ent-harbin-timber")
    world.client_for("bureau_officer").get(f"/organisations/{ent.pk}/")
    assert not AuditEvent.objects.filter(action="view", object_id=str(ent.pk)).exists()


def test_auditor_filters_and_exports_the_trail_as_csv(world):
    client = world.client_for("auditor")
    world.client_for("bureau_officer").get(f"/organisations/{world.org('ent-xian-trading').pk}/")
    page = client.get("/audit/", {"actor": "xian", "action": "view"})
    assert page.status_code == 200
    assert b"view" in page.content and "西安秦岭示例进出口贸易有限公司".encode() in page.content
    partial = client.get("/audit/", {"action": "view"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"view" in partial.content
    body = exported(client, "core.audit", query={"action": "view"}).decode("utf-8")
    lines = body.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("seq,at,actor")
    assert len(lines) == 2 and ",view," in lines[1] and "xian" in lines[1]
    assert AuditEvent.objects.filter(action="audit.exported", actor=world.user("auditor")).exists()


def test_audit_filter_rejects_a_reversed_date_range(world):
    response = world.client_for("auditor").get("/audit/", {"since": "2026-02-01", "until": "2026-01-01"})
    assert "起始日期不能晚于截止日期".encode() in response.content


def test_bureau_auditor_sees_only_its_subtree(world):
    from riskgate.accounts.models import Role

    role = Role.objects.get(code="auditor")
    role.scope_mode = "subtree"
    role.save()
    bureau_auditor = world.user("auditor")
    bureau_auditor.organisation = world.org("xian-customs")
    bureau_auditor.save()
    world.client_for("bureau_officer").get(f"/organisations/{world.org('ent-xian-trading').pk}/")
    world.client_for("warning_officer").get(f"/organisations/{world.org('ent-harbin-timber').pk}/")
    seen = AuditEvent.objects.visible_to(bureau_auditor)
    assert seen.filter(actor=world.user("xian")).exists()
    assert not seen.filter(actor=world.user("warning")).exists()
    assert not seen.filter(organisation__isnull=True).exists()


def test_verify_page_shows_a_broken_chain(world):
    make_events(2)
    raw("UPDATE core_auditevent SET action = %s WHERE seq = 1", ["tampered"])
    response = world.client_for("auditor").get("/audit/verify/")
    assert "日志链在第 1 条处断开".encode() in response.content


def test_concurrent_writers_never_fork_the_chain(transactional_db):
    """Several threads writing at once still give one gap-free chain."""
    import threading

    from django.db import close_old_connections

    errors = []

    def writer(n):
        try:
            for i in range(10):
                audit.record(actor=None, action="test.concurrent", object_id=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == 40
    assert audit.verify_chain().ok


def test_reading_the_audit_trail_is_itself_audited(world):
    world.client_for("auditor").get("/audit/", {"action": "login"})
    world.client_for("auditor").get("/api/v1/audit/events", {"action": "login"})
    viewed = AuditEvent.objects.filter(action="audit.viewed", actor=world.user("auditor"))
    assert viewed.count() == 2
    assert all(e.changes["filter"][1]["action"] == "login" for e in viewed)


# ----- issue 24 item 13: a keyed chain, anchored outside the database ------------------------------------------


def _unkeyed_rewrite(edit: bool = True):
    """What someone with write access to the database but not the key does: edit a row and recompute every hash
    after it with plain SHA-256 (the way the chain was computed before it was keyed)."""
    import hashlib

    previous = audit.GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq"):
        if event.seq == 2 and edit:
            event.reason = "rewritten"
        event.prev_hash = previous
        event.hash = hashlib.sha256(audit.json_text(audit.payload(event)).encode()).hexdigest()
        raw(
            "UPDATE core_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [event.reason, event.prev_hash, event.hash, event.seq],
        )
        previous = event.hash
    raw("UPDATE core_audithead SET hash = %s WHERE id = 1", [previous])


@pytest.mark.django_db
def test_a_recomputed_rewrite_without_the_key_is_reported(tmp_path):
    make_events(4)
    _unkeyed_rewrite()
    report = audit.verify_chain(tmp_path / "none.jsonl")
    assert not report.ok and report.broken_seq == 1 and "keyed hash" in report.problem
    with pytest.raises(CommandError, match="BROKEN at seq 1") as refused:
        call_command("verify_audit", checkpoints=tmp_path / "none.jsonl")
    assert refused.value.returncode == 1


@pytest.mark.django_db
def test_a_truncated_tail_with_the_head_moved_back_is_caught_by_the_checkpoint(tmp_path):
    checkpoints = tmp_path / "checkpoints.jsonl"
    make_events(3)
    assert audit.write_checkpoint(checkpoints)["seq"] == 3
    make_events(2)
    assert audit.write_checkpoint(checkpoints)["seq"] == 5 and audit.write_checkpoint(checkpoints) is None
    assert audit.verify_chain(checkpoints).ok and audit.verify_chain(checkpoints).checkpoints == 2
    third = AuditEvent.objects.get(seq=3).hash
    raw("DELETE FROM core_auditevent WHERE seq >= 4")
    raw("UPDATE core_audithead SET seq = 3, hash = %s WHERE id = 1", [third])
    assert audit.verify_chain(tmp_path / "none.jsonl").ok, "without the anchor the truncation is consistent"
    report = audit.verify_chain(checkpoints)
    assert not report.ok and report.broken_seq == 4 and "deleted" in report.problem


@pytest.mark.django_db
def test_a_rewrite_with_the_key_is_caught_by_the_checkpoint_and_the_file_is_signed(tmp_path, settings):
    checkpoints = tmp_path / "checkpoints.jsonl"
    make_events(3)
    audit.write_checkpoint(checkpoints)
    anchored = AuditEvent.objects.get(seq=3).hash
    # Someone who also holds the key rewrites event 2 and re-links the rest with it.
    previous = audit.GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq"):
        event.reason = "rewritten" if event.seq == 2 else event.reason
        event.prev_hash = previous
        event.hash = audit.compute_hash(event)
        raw(
            "UPDATE core_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [event.reason, event.prev_hash, event.hash, event.seq],
        )
        previous = event.hash
    raw("UPDATE core_audithead SET hash = %s WHERE id = 1", [previous])
    report = audit.verify_chain(checkpoints)
    assert not report.ok and report.broken_seq == 3 and "checkpoint" in report.problem
    # Editing the checkpoint file to match breaks its signature.
    line = checkpoints.read_text().replace(anchored, AuditEvent.objects.get(seq=3).hash)
    checkpoints.write_text(line)
    assert "not signed" in audit.verify_chain(checkpoints).problem
    # And a chain verified with another key fails from the first event.
    settings.AUDIT_CHAIN_KEY = "another key"
    assert audit.verify_chain(tmp_path / "none.jsonl").broken_seq == 1


@pytest.mark.django_db
def test_the_scheduled_job_writes_a_checkpoint_only_for_an_intact_chain(settings, tmp_path):
    from riskgate.core.tasks import checkpoint_audit_chain

    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "c.jsonl"
    make_events(2)
    assert checkpoint_audit_chain() == 2
    raw("UPDATE core_auditevent SET reason = 'x' WHERE seq = 1")
    make_events(1)
    assert checkpoint_audit_chain() is None and len((tmp_path / "c.jsonl").read_text().splitlines()) == 1


@pytest.mark.django_db
def test_the_migration_keys_an_intact_unkeyed_chain_and_refuses_a_broken_one(tmp_path):
    import importlib

    from django.apps import apps

    rekey = importlib.import_module("riskgate.core.migrations.0008_keyed_audit_chain").rekey
    make_events(4)
    _unkeyed_rewrite(edit=False)  # the chain as stored before the key
    assert not audit.verify_chain(tmp_path / "none.jsonl").ok
    rekey(apps, None)
    assert audit.verify_chain(tmp_path / "none.jsonl").ok
    _unkeyed_rewrite(edit=False)
    raw("UPDATE core_auditevent SET reason = 'x' WHERE seq = 3")
    with pytest.raises(RuntimeError, match="broken at seq 3"):
        rekey(apps, None)


@pytest.mark.django_db
def test_a_checkpoint_file_with_a_foreign_line_is_reported_not_crashed(tmp_path):
    make_events(1)
    checkpoints = tmp_path / "c.jsonl"
    checkpoints.write_text("42\n")
    report = audit.verify_chain(checkpoints)
    assert not report.ok and "not a checkpoint" in report.problem
