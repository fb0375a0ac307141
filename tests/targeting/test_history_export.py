"""The declaration-history export (issue 24 item 21): small steps at the lowest CPU priority, segments merged into
parts, a manifest that retro-screening reads, runs that stop half-way and runs that overlap."""

import datetime as dt
import fcntl
import os
import threading

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from riskgate.core.priority import at_low_priority
from riskgate.targeting import tasks
from riskgate.targeting.engine import parse_rule
from riskgate.targeting.engine.retro import retro_items, write_history
from riskgate.targeting.models import HistoryExport, ScreeningDecision
from riskgate.targeting.services import retro as history
from tests.targeting.test_tasks import ITEM

BATTERIES = parse_rule({"id": "B", "hs_prefixes": ["8507"], "action": "inspect"})


@pytest.fixture
def folder(settings, tmp_path):
    settings.DECLARATION_HISTORY_DIR = tmp_path / "history"
    return settings.DECLARATION_HISTORY_DIR


def _decisions(world, count: int, start: int = 0) -> None:
    organisation = world.user("port").organisation
    ScreeningDecision.objects.bulk_create(
        [
            ScreeningDecision(
                declaration_id=f"D{n:06d}",
                item_no=1,
                item={**ITEM, "declaration_id": f"D{n:06d}"},
                action="release",
                rule_set_version=1,
                organisation=organisation,
            )
            for n in range(start, start + count)
        ]
    )


def _history_ids(folder) -> list[str]:
    """The declarations in the files the manifest lists (each row once per listing)."""
    files = [str(folder / "by_hs" / f"{name}.parquet") for name in history.current_parts()]
    return [row[0] for row in duckdb.sql(f"SELECT declaration_id FROM read_parquet({files!r})").fetchall()]  # noqa: S608


def test_the_export_works_in_steps_and_merges_segments_into_parts(world, folder):
    _decisions(world, 31)
    assert history.export(step=5, part_items=12) == 31
    current = HistoryExport.objects.filter(superseded_at=None).order_by("first_decision_id")
    # 5 + 5 + 5 merged at 15 ≥ 12, again at 30, and the last segment of one item waits for more
    assert [(row.name.split("-")[0], row.items) for row in current] == [("part", 15), ("part", 15), ("seg", 1)]
    assert HistoryExport.objects.exclude(superseded_at=None).count() == 6  # the merged segments, kept for a while
    ids = _history_ids(folder)
    assert len(ids) == 31 and len(set(ids)) == 31  # every item once
    for name in history.current_parts():  # both projections of each part, sorted by its key
        assert (folder / "by_enterprise" / f"{name}.parquet").exists()
    assert history.export(step=5, part_items=12) == 0  # idempotent: nothing new
    _decisions(world, 4, start=31)
    assert history.export(step=5, part_items=12) == 4
    assert len(_history_ids(folder)) == 35


def test_merged_files_are_removed_after_the_grace_period_with_files_nobody_lists(world, folder, settings):
    _decisions(world, 12)
    history.export(step=4, part_items=12)
    superseded = list(HistoryExport.objects.exclude(superseded_at=None).values_list("name", flat=True))
    assert len(superseded) == 3 and all((folder / "by_hs" / f"{name}.parquet").exists() for name in superseded)
    stray = folder / "by_hs" / "seg-000000999999.parquet"  # a step that stopped before it was recorded
    stray.write_bytes((folder / "by_hs" / f"{superseded[0]}.parquet").read_bytes())
    history.export(step=4, part_items=12)
    assert stray.exists()  # young: maybe a step of a run going on now
    settings.DECLARATION_HISTORY_GRACE_SECONDS = 60
    HistoryExport.objects.exclude(superseded_at=None).update(superseded_at=timezone.now() - dt.timedelta(minutes=2))
    old = (timezone.now() - dt.timedelta(minutes=2)).timestamp()
    os.utime(stray, (old, old))
    history.export(step=4, part_items=12)
    assert not HistoryExport.objects.exclude(superseded_at=None).exists()
    assert sorted(path.stem for path in (folder / "by_hs").glob("*.parquet")) == history.current_parts()
    assert sorted(path.stem for path in (folder / "by_enterprise").glob("*.parquet")) == history.current_parts()
    assert len(_history_ids(folder)) == 12


def test_a_run_that_stops_half_way_is_redone_without_a_duplicate(world, folder, monkeypatch):
    _decisions(world, 10)
    recorded = HistoryExport.objects.update_or_create
    calls = []

    def crash_on_the_second(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:  # the segment's files are written, the worker dies before it is recorded
            raise OSError("killed")
        return recorded(**kwargs)

    monkeypatch.setattr(HistoryExport.objects, "update_or_create", crash_on_the_second)
    with pytest.raises(OSError):
        history.export(step=4, part_items=100)
    monkeypatch.undo()
    assert HistoryExport.objects.count() == 1
    assert history.export(step=4, part_items=100) == 6
    ids = _history_ids(folder)
    assert sorted(ids) == [f"D{n:06d}" for n in range(10)]


def test_a_run_that_finds_another_one_working_leaves_it_alone(world, folder):
    _decisions(world, 3)
    folder.mkdir(parents=True)
    with open(folder / ".export.lock", "w") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        assert history.export() == 0
        assert not HistoryExport.objects.exists()
    assert history.export() == 3


def test_a_budget_ends_the_run_after_a_step_and_the_next_goes_on(world, folder):
    _decisions(world, 9)
    assert history.export(step=4, budget=0) == 4
    assert history.export(step=4, budget=0) == 4
    assert history.export(step=4, budget=0) == 1


def test_retro_screening_reads_only_what_the_manifest_lists(world, folder):
    _decisions(world, 12)
    history.export(step=4, part_items=8)
    # a stray file (a step that stopped before it was recorded) and the merged segments are on disk
    write_history([], folder, "seg-000000999999")
    assert len(list((folder / "by_hs").glob("*.parquet"))) > len(history.current_parts())
    total, rows = retro_items(BATTERIES, folder, limit=100, parts=history.current_parts())
    assert total == 12 and len(rows) == 12
    assert retro_items(BATTERIES, folder, limit=100, parts=[]) == (0, [])


def test_the_background_job_exports_at_idle_priority_and_leaves_the_worker_as_it_was(monkeypatch):
    seen = {}

    def export(**kwargs):
        tid = threading.get_native_id()
        seen.update(kwargs, policy=os.sched_getscheduler(tid), nice=os.getpriority(os.PRIO_PROCESS, tid))
        return 7

    monkeypatch.setattr(history, "export", export)
    assert tasks.export_history() == 7
    assert seen == {"budget": history.EXPORT_BUDGET, "policy": os.SCHED_IDLE, "nice": 19}
    tid = threading.get_native_id()
    assert os.sched_getscheduler(tid) == os.SCHED_OTHER and os.getpriority(os.PRIO_PROCESS, tid) == 0


@pytest.mark.django_db(transaction=True)
def test_low_priority_work_hands_back_its_error_and_closes_its_connections():
    opened = []

    def fails():
        own = connections["default"]  # this thread's own
        own.ensure_connection()
        opened.append(own)
        raise ValueError("bad part")

    with pytest.raises(ValueError, match="bad part"):
        at_low_priority(fails)
    assert opened and opened[0] is not connections["default"] and opened[0].connection is None  # closed


@pytest.mark.django_db(transaction=True)
def test_the_command_exports_at_low_priority(live_world, folder, capsys):
    _decisions(live_world, 7)
    call_command("export_declaration_history", "--step", "3")
    assert f"Exported 7 items to {folder}." in capsys.readouterr().out
    assert HistoryExport.objects.count() == 3


def test_the_command_refuses_a_step_that_is_not_a_positive_number(world, folder):
    with pytest.raises(CommandError, match="--step: must be a whole number of at least 1, not '0'"):
        call_command("export_declaration_history", "--step", "0")


def test_the_history_keeps_every_field_as_parsed(tmp_path):
    from riskgate.targeting.engine import parse_item

    items = [
        parse_item(ITEM),
        parse_item(
            {
                **ITEM,
                "item_no": 2,
                "enterprise_ids": [],
                "value": 0.1,
                "description": "Straße",
                "declared_at": "2026-12-01T23:59:59.123456-05:00",
            }
        ),
    ]
    write_history(items, tmp_path, "p")
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{tmp_path}/by_hs/p.parquet') ORDER BY item_no").fetchall()
    assert rows == [
        (
            "2026113000000001",
            1,
            "import",
            "8507600090",
            "CN",
            ["6101930001"],
            "CNXIY",
            "锂离子移动电源",
            1520.5,
            dt.datetime(2026, 11, 30, 1, 0),
        ),
        (
            "2026113000000001",
            2,
            "import",
            "8507600090",
            "CN",
            [],
            "CNXIY",
            "strasse",
            0.1,
            dt.datetime(2026, 12, 2, 4, 59, 59, 123456),
        ),
    ]
    by_enterprise = duckdb.sql(f"SELECT item_no, enterprise_id FROM read_parquet('{tmp_path}/by_enterprise/p.parquet')")
    assert by_enterprise.fetchall() == [(1, "6101930001")]  # an item without enterprises is not in this projection


def test_retro_screening_queries_the_history_at_idle_priority(world, folder, monkeypatch):
    from riskgate.targeting import services
    from riskgate.targeting.models import RetroScreening

    _decisions(world, 3)
    history.export()
    seen = {}
    real = history.retro_items

    def retro_items(*args, **kwargs):
        seen["policy"] = os.sched_getscheduler(threading.get_native_id())
        return real(*args, **kwargs)

    monkeypatch.setattr(history, "retro_items", retro_items)
    rule = services.issue(world.user("xian"), {"hs_prefixes": ["850760"], "action": "hold"}, reason="过热")
    retro = history.run(rule.pk)
    assert seen == {"policy": os.SCHED_IDLE}
    assert (retro.status, retro.matches) == ("done", 3)
    assert RetroScreening.objects.get(rule=rule).history_until is not None


def test_the_export_rests_after_each_step_as_long_as_the_step_took(world, folder, monkeypatch):
    _decisions(world, 9)
    rests = []
    monkeypatch.setattr(history.time, "sleep", rests.append)
    assert history.export(step=4) == 9
    assert len(rests) == 3 and all(rest > 0 for rest in rests)
    rests.clear()
    _decisions(world, 2, start=9)
    assert history.export(step=4, rest=0) == 2
    assert rests == [0]
