"""Bulk intake (R-COL-5): every real file imports, twice without change; bad rows reported; batches atomic."""

import pytest
from django.conf import settings

from riskgate.core.models import AuditEvent
from riskgate.intake import importers, services
from riskgate.intake.importers import SOURCES, pipeline, read_csv, run_import
from riskgate.intake.models import LinkProposal, RiskInformation, StatusChange

# Rows per real file, from the data README; FDA and the 2024 RASFF file repeat some references.
EXPECTED = {
    "rasff": (21871, 0),
    "rasff-risk-2024": (5389, 25),
    "safety-gate": (3037, 0),
    "cpsc": (289, 0),
    "fda": (562, 2),
    "nhtsa": (263, 0),
}


def path_of(key):
    return settings.RISKGATE_SHARED_DATA / SOURCES[key].default_file


def test_every_real_file_imports_and_a_second_import_changes_nothing(world):
    office = world.org("gacc-warning-office")
    real = [key for key, source in SOURCES.items() if source.default_file]
    assert sorted(real) == sorted(EXPECTED), "every real file of ../shared/data has an importer"
    first = {key: run_import(key, path_of(key), organisation=office) for key in real}
    total = RiskInformation.objects.count()
    for key, report in first.items():
        rows, duplicates = EXPECTED[key]
        assert report.rows == rows and len(report.duplicates) == duplicates and not report.rejected, str(report)
    # The 2024 risk-decision file enriches 4,342 notifications of the main RASFF file rather than repeating them.
    assert first["rasff-risk-2024"].updated == 4342 and first["rasff-risk-2024"].created == 1022
    assert total == 21871 + 1022 + 3037 + 289 + 560 + 263
    assert StatusChange.objects.count() == total, "every imported item starts its history as received"

    proposals = LinkProposal.objects.count()
    assert proposals == sum(r.proposed_links for r in first.values()) > 0, "duplicate detection ran on import"
    assert RiskInformation.objects.filter(triage__has_key="model").count() > 20000, "triage suggestions stored"

    second = {key: run_import(key, path_of(key), organisation=office) for key in real}
    assert RiskInformation.objects.count() == total
    assert LinkProposal.objects.count() == proposals, "a re-import proposes nothing new"
    for key, report in second.items():
        assert report.created == 0 and report.updated == 0, str(report)
        assert report.unchanged == report.rows - len(report.duplicates) - len(report.rejected)


def test_rasff_files_converge_in_either_order(world):
    office = world.org("gacc-warning-office")
    rows_a = list(read_csv(path_of("rasff")))[:3000]
    refs = {r["Reference"] for _, r in rows_a}
    rows_b = [(n, r) for n, r in read_csv(path_of("rasff-risk-2024")) if r["reference"] in refs]
    assert rows_b, "the sample must overlap"

    def state():
        return {
            (i.external_id, i.title, i.description, i.urgency, tuple(i.hazard_types), i.notified_on)
            for i in RiskInformation.objects.all()
        }

    run_import("rasff", "a", organisation=office, rows=rows_a)
    run_import("rasff-risk-2024", "b", organisation=office, rows=rows_b)
    forward = state()
    RiskInformation.objects.all().delete()
    run_import("rasff-risk-2024", "b", organisation=office, rows=rows_b)
    run_import("rasff", "a", organisation=office, rows=rows_a)
    assert state() == forward
    enriched = RiskInformation.objects.get(external_id=rows_b[0][1]["reference"])
    assert enriched.source_data["rasff-risk-2024"]["risk_decision"] == rows_b[0][1]["risk_decision"]


def test_broken_rows_are_reported_and_good_rows_imported(world, tmp_path):
    lines = path_of("cpsc").read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:6]
    broken = ",,A recall without number,,,,,2026-01-01,,\n"
    bad_date = "99999,88888,Heated gloves recall,desc,Refund,,burn,01.13.2026,,\n"
    path = tmp_path / "cpsc.csv"
    path.write_text(header + "".join(body[:2]) + broken + bad_date + "".join(body[2:]), encoding="utf-8")
    report = run_import("cpsc", path, organisation=world.org("gacc-warning-office"))
    assert report.created == 5
    assert [(r.line, r.reason[:6]) for r in report.rejected] == [(4, "缺少必填字段"), (5, "日期无法识别")]


def test_a_failure_mid_import_leaves_no_half_written_batch(world, monkeypatch):
    """Batch 1 is committed whole; batch 2 fails and leaves nothing; the audit trail records only batch 1."""
    calls = {"n": 0}
    original = pipeline._store_batch

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            original(*args, **kwargs)  # write the batch, then fail before it commits
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_store_batch", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import("nhtsa", path_of("nhtsa"), organisation=world.org("gacc-warning-office"), batch_size=100)
    assert RiskInformation.objects.count() == 100
    assert StatusChange.objects.count() == 100
    assert AuditEvent.objects.filter(action="intake.imported").count() == 1
    monkeypatch.setattr(pipeline, "_store_batch", original)
    report = run_import("nhtsa", path_of("nhtsa"), organisation=world.org("gacc-warning-office"), batch_size=100)
    assert report.created == 163 and report.unchanged == 100


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_files_in_utf8_with_or_without_bom_and_gb18030_are_read(tmp_path, encoding):
    text = "recall_id,recall_number,title,description,remedy,manufacturer,hazards,recall_date,url,captured_at\n"
    text += "1,26001,儿童玩具召回：小零件窒息危险,描述,退款,某玩具厂,窒息,2026-03-01,,\n"
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    rows = list(read_csv(path))
    assert rows[0][1]["title"] == "儿童玩具召回：小零件窒息危险"


def test_undecodable_file_is_refused_clearly(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n\xff\xfe\xfd\x80\x81,\xfe\n")
    with pytest.raises(importers.RowError, match="编码"):
        list(read_csv(path))


def test_hazards_and_countries_are_mapped(world):
    office = world.org("gacc-warning-office")
    rows = [
        (
            2,
            {
                "Date of Case": "Oct 30, 2024",
                "Reference": "2024.9999",
                "Notification From": "Germany (DE)",
                "Country Origin": "France; India; unknown origin",
                "Product": "Lamb legs",
                "Product Category": "Meat",
                "Hazard Substance": "Listeria monocytogenes",
                "Hazard Category": "Pathogenic micro-organisms",
            },
        )
    ]
    run_import("rasff", "x", organisation=office, rows=rows)
    info = RiskInformation.objects.get(external_id="2024.9999")
    assert info.origin_countries == ["FR", "IN"] and info.notifying_country == "DE"
    assert info.hazard_types == ["biological"] and str(info.notified_on) == "2024-10-30"
    info.full_clean()


def test_a_file_of_another_source_is_rejected_row_by_row_not_crashed(world):
    """A file that has the required columns but lacks others the source reads (e.g. given with the wrong --source)."""
    rows = [(2, {"Reference": "2024.0001", "Product": "Tea"})]
    report = run_import("rasff", "x", organisation=world.org("gacc-warning-office"), rows=rows)
    assert report.created == 0 and report.rejected[0].line == 2 and report.rejected[0].reason.startswith("缺少列")


def test_a_second_process_derives_exactly_what_one_process_does(world):
    """The import command's pipeline (processes=2) stores the same tokens, signatures and triage as processes=1."""
    office = world.org("gacc-warning-office")
    rows = list(read_csv(path_of("rasff")))[:700]

    def derived():
        return {
            i.external_id: (i.search_tokens, bytes(i.similarity_signature), i.triage)
            for i in RiskInformation.objects.all()
        }

    one = run_import("rasff", "a", organisation=office, rows=rows, batch_size=200, processes=1)
    alone = derived()
    proposals = set(LinkProposal.objects.values_list("first__external_id", "second__external_id", "score"))
    RiskInformation.objects.all().delete()
    two = run_import("rasff", "a", organisation=office, rows=rows, batch_size=200, processes=2)
    assert (two.created, two.proposed_links) == (one.created, one.proposed_links) == (700, len(proposals))
    assert derived() == alone
    assert set(LinkProposal.objects.values_list("first__external_id", "second__external_id", "score")) == proposals
    assert sum(bool(t) for t, _s, _r in alone.values()) == 700


def test_a_failure_in_the_second_process_leaves_no_half_written_batch(world, monkeypatch):
    from riskgate.intake import enrich

    original = enrich.derive_many
    in_second_batch = list(read_csv(path_of("nhtsa")))[150][1]["nhtsa_id"]

    def failing(items):
        if any(item.external_id == in_second_batch for item in items):
            raise RuntimeError("worker lost")
        return original(items)

    # Forked after the patch, so the worker runs it too; without a second CPU it runs here: the same outcome.
    monkeypatch.setattr(enrich, "derive_many", failing)
    with pytest.raises(RuntimeError, match="worker lost"):
        run_import(
            "nhtsa", path_of("nhtsa"), organisation=world.org("gacc-warning-office"), batch_size=100, processes=2
        )
    assert RiskInformation.objects.count() == 100 and StatusChange.objects.count() == 100


def test_rows_inserted_with_deferred_indexing_are_searchable_and_a_failure_keeps_the_trigger(world):
    from django.db import connection, transaction

    from riskgate.core.search import deferred_indexing
    from riskgate.intake.queries import information

    xian = world.user("xian")
    run_import("nhtsa", path_of("nhtsa"), organisation=world.org("xian-customs"), batch_size=100)
    items = list(RiskInformation.objects.order_by("pk"))
    for item in (items[0], items[150], items[-1]):  # one of each batch, found by its reference
        assert list(information(xian, q=item.external_id).values_list("pk", flat=True)) == [item.pk]

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic(), deferred_indexing(RiskInformation):
        raise Boom
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'intake_riskinformation_fts_ai'")
            assert cursor.fetchone() == (1,), "the insert trigger is back after a failed block"


def test_several_files_are_imported_then_linked_in_one_detection(world, monkeypatch):
    """import_files (the command's --all): one detection over every row the files created or changed."""
    office = world.org("gacc-warning-office")
    files = [(key, path_of(key)) for key in ("cpsc", "fda", "nhtsa")]
    calls = []
    original = pipeline.detect

    def counting(ids, created=()):
        calls.append((len(set(ids)), len(set(created))))
        return original(ids, created=created)

    monkeypatch.setattr(pipeline, "detect", counting)
    reports, proposed = importers.import_files(files, organisation=office, processes=2)
    assert [r.created for r in reports] == [289, 560, 263]
    assert calls == [(289 + 560 + 263, 289 + 560 + 263)]
    assert proposed == LinkProposal.objects.count() > 0
    assert all(r.proposed_links is None and "links proposed" not in str(r) for r in reports)
    again, proposed_again = importers.import_files(files, organisation=office, processes=2)
    assert proposed_again == 0 and all(r.created == r.updated == 0 for r in again)
    assert len(calls) == 1, "nothing changed, nothing to compare"


def test_a_bad_file_names_itself_and_keeps_the_files_before_it(world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00bad")
    files = [("nhtsa", path_of("nhtsa")), ("cpsc", bad)]
    with pytest.raises(importers.RowError, match="bad.csv"):
        importers.import_files(files, organisation=world.org("gacc-warning-office"))
    assert RiskInformation.objects.count() == 263


def test_ids_of_imported_rows_are_never_reused(world):
    """Imports assign ids before writing (core.fastpath.bulk.new_ids): after a deletion they still move forward."""
    office = world.org("gacc-warning-office")
    run_import("nhtsa", path_of("nhtsa"), organisation=office, batch_size=100)
    ids = sorted(RiskInformation.objects.values_list("pk", flat=True))
    assert len(ids) == len(set(ids)) == 263
    assert StatusChange.objects.filter(information_id__in=ids).count() == 263
    RiskInformation.objects.all().delete()
    run_import("nhtsa", path_of("nhtsa"), organisation=office, batch_size=100)
    assert RiskInformation.objects.order_by("pk").first().pk > ids[-1]
    info = services.create_information(
        world.user("xian"),
        data={"source_type": "other", "channel": "hotline", "title": "逐条录入", "hazard_types": ["other"]},
    )
    assert info.pk > RiskInformation.objects.exclude(pk=info.pk).order_by("-pk").first().pk


def test_the_lookup_of_stored_references_uses_the_unique_index(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's planner proves the partial index's condition itself (checked by EXPLAIN)")
    with CaptureQueriesContext(connection) as captured:
        assert pipeline._existing("RASFF", ["none", "其他"]) == {}
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "unique_external_reference" in plan, plan


def test_the_fast_lookups_equal_the_orm(world):
    """core.fastpath.lookup reads what the ORM's own queries read, on either database."""
    from riskgate.core.fastpath.lookup import delete_where_in, ids_in, raw_values
    from riskgate.intake.models import LinkPending, RiskInformation

    rows = list(read_csv(path_of("rasff")))[:50]
    run_import("rasff", "rasff", organisation=world.org("gacc-warning-office"), rows=rows)
    stored = RiskInformation.objects.filter(external_system="RASFF")
    references = list(stored.values_list("external_id", flat=True)[:20]) + ["none", "其他", ""]
    assert sorted(ids_in(RiskInformation, "external_id", references, external_system="RASFF")) == sorted(
        stored.filter(external_id__in=references).exclude(external_id="").values_list("pk", flat=True)
    )
    assert ids_in(RiskInformation, "external_id", references, external_system="CPSC") == []
    rows = raw_values(stored.order_by("pk"), "id", "external_id", "hazard_types")
    expected = list(stored.order_by("pk").values_list("id", "external_id"))
    assert [(r[0], r[1]) for r in rows] == expected and len(rows) == 50
    # The one write: the rows of the values given deleted, and only those.
    ids = [r[0] for r in rows]
    LinkPending.objects.bulk_create([LinkPending(information_id=pk) for pk in ids], ignore_conflicts=True)
    delete_where_in(LinkPending, "information_id", ids[:30] + [10**9])
    assert set(LinkPending.objects.values_list("information_id", flat=True)) == set(ids[30:])
    delete_where_in(LinkPending, "information_id", [])
    assert LinkPending.objects.count() == 20
