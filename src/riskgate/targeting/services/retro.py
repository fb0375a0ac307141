"""The declaration history (报关历史数据) that retro-screening reads: every stored screening decision's item, kept
as Parquet under DECLARATION_HISTORY_DIR in the two projections of engine/retro.py, appended by a scheduled job
(`manage.py export_declaration_history`); and the retro-screening of a newly issued rule version, whose matches
open follow-up tasks (追溯调查). Both jobs are idempotent.

The export shares the machine with the web tier, so it works in small steps at the lowest CPU priority
(core.priority): each step reads, checks and writes EXPORT_STEP decisions as a segment and records it; segments
(and any small parts) are merged into a part once they hold PART_ITEMS items, so the history stays a few large
sorted files however often the job runs. The rows of HistoryExport are the manifest: retro-screening reads only the
files it lists, a merged segment stays readable for DECLARATION_HISTORY_GRACE_SECONDS, and a run stopped half-way
leaves only files nobody lists, redone or swept by a later run. bench/history_export measures the web tier while
it runs."""

import datetime as dt
import fcntl
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.priority import at_low_priority

from ..engine import parse_item
from ..engine.retro import merge_history, retro_items, write_history
from ..models import (
    ControlRule,
    HistoryExport,
    InspectionTask,
    RetroScreening,
    RetroStatus,
    ScreeningDecision,
    TaskKind,
    enterprise_key,
)
from .inspection import port_organisations

EXPORT_STEP = 5_000  # decisions read, checked and written per step (one segment)
PART_ITEMS = 200_000  # segments and small parts are merged into a part once together they hold this many items
EXPORT_REST = 1.0  # after each step, sleep as long again: on a busy machine the web tier gets the CPU caches too
EXPORT_BUDGET = 480  # seconds a scheduled run (every 10 min) works; the next run goes on from where it stopped
PROJECTIONS = ("by_hs", "by_enterprise")
MAX_FOLLOW_UPS = 2_000  # follow-up tasks opened per rule (the newest matches); the total is recorded


def directory() -> Path:
    return Path(settings.DECLARATION_HISTORY_DIR)


def current_parts() -> list[str]:
    """The names of the file pairs that make up the history now (the manifest's rows not superseded)."""
    current = HistoryExport.objects.filter(superseded_at=None).order_by("first_decision_id")
    return list(current.values_list("name", flat=True))


def export(
    step: int = EXPORT_STEP, part_items: int = PART_ITEMS, budget: float | None = None, rest: float = EXPORT_REST
) -> int:
    """Append the decisions not yet in the history, `step` at a time, merging segments into parts; returns the
    items written. After each step it sleeps `rest` times as long as the step took (rest 1: at most half a CPU).
    With `budget` (seconds) a run stops after the step that exceeds it and the next run goes on from there. A run
    that finds another one working returns 0 at once."""
    import duckdb

    with _export_lock() as held:
        if not held:
            return 0
        db = duckdb.connect(config={"threads": 1, "memory_limit": "512MB"})
        deadline = None if budget is None else time.monotonic() + budget
        written = 0
        try:
            while True:
                began = time.monotonic()
                items = _export_step(step, db)
                if items is None:
                    break
                written += items
                _merge(part_items, db)
                if deadline is not None and time.monotonic() >= deadline:
                    break
                time.sleep((time.monotonic() - began) * rest)
            _remove_superseded()
        finally:
            db.close()
        return written


@contextmanager
def _export_lock():
    """One export at a time per history directory (an advisory lock on a file in it)."""
    directory().mkdir(parents=True, exist_ok=True)
    with open(directory() / ".export.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _export_step(step: int, db) -> int | None:
    """Write the next `step` decisions as a segment and record it; None when there is nothing new. The segment's
    name comes from its first decision, so a step that stopped before it was recorded is redone in place."""
    last = HistoryExport.objects.aggregate(last=Max("last_decision_id"))["last"] or 0
    rows = list(ScreeningDecision.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "item")[:step])
    if not rows:
        return None
    items = []
    for _pk, data in rows:
        try:
            items.append(parse_item(data))
        except ValueError:  # stored decisions were checked when screened; a bad row would stop every export
            continue
    name = f"seg-{rows[0][0]:012d}"
    write_history(items, directory(), name, connection=db)
    HistoryExport.objects.update_or_create(
        name=name,
        defaults={"first_decision_id": rows[0][0], "last_decision_id": rows[-1][0], "items": len(items)},
    )
    return len(items)


def _merge(part_items: int, db) -> int:
    """Merge the current segments and small parts into one part once together they hold `part_items` items; the
    merged ones are superseded (still on disk for the grace period). Returns the items merged."""
    small = list(HistoryExport.objects.filter(superseded_at=None, items__lt=part_items).order_by("first_decision_id"))
    if len(small) < 2 or sum(row.items for row in small) < part_items:
        return 0
    first, last = small[0].first_decision_id, max(row.last_decision_id for row in small)
    name = f"part-{first:012d}-{last:012d}"
    count = merge_history(directory(), [row.name for row in small], name, connection=db)
    with transaction.atomic():
        HistoryExport.objects.update_or_create(
            name=name,
            defaults={"first_decision_id": first, "last_decision_id": last, "items": count, "superseded_at": None},
        )
        HistoryExport.objects.filter(pk__in=[row.pk for row in small]).update(superseded_at=timezone.now())
    return count


def _remove_superseded() -> int:
    """Delete the files of parts superseded longer than the grace period ago, and files no row names (left by a
    run that stopped half-way) that are older than it. Returns the files deleted."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.DECLARATION_HISTORY_GRACE_SECONDS)
    removed = 0
    for row in HistoryExport.objects.filter(superseded_at__lt=cutoff):
        for projection in PROJECTIONS:
            path = directory() / projection / f"{row.name}.parquet"
            if path.exists():
                path.unlink()
                removed += 1
        row.delete()
    named = set(HistoryExport.objects.values_list("name", flat=True))
    for projection in PROJECTIONS:
        for path in (directory() / projection).glob("*.parquet"):
            if path.stem not in named and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def queue(rule: ControlRule, *, since=None, until=None) -> None:
    """Retro-screen a newly issued or changed rule version (over the period given, else all the history) once the
    transaction commits."""
    RetroScreening.objects.get_or_create(rule=rule, defaults={"since": since, "until": until})
    enqueue_on_commit("riskgate.targeting.tasks.retro_screen", rule.pk)


def run(rule_id: int) -> RetroScreening | None:
    """Retro-screen one rule version over the history and open follow-up tasks for its newest matches (at most
    MAX_FOLLOW_UPS). Runs once: a screening that is not queued is left as it is."""
    with transaction.atomic():
        retro = RetroScreening.objects.select_for_update().filter(rule_id=rule_id).first()
        if retro is None or retro.status != RetroStatus.QUEUED:
            return retro
        rule = retro.rule
        started = time.perf_counter()
        until = HistoryExport.objects.filter(superseded_at=None).aggregate(until=Max("exported_at"))["until"]
        try:
            total, rows = at_low_priority(  # DuckDB on every CPU, but only on time the web tier leaves idle
                retro_items,
                rule.engine_rule(),
                directory(),
                limit=MAX_FOLLOW_UPS,
                parts=current_parts(),
                since=retro.since,
                until=retro.until,
            )
        except Exception as exc:  # noqa: BLE001 - a broken history is reported on the rule, not lost in a worker
            retro.status, retro.error, retro.finished_at = RetroStatus.FAILED, str(exc)[:2000], timezone.now()
            retro.save(update_fields=["status", "error", "finished_at"])
            return retro
        ports = port_organisations(row["port"] for row in rows)
        tasks = InspectionTask.objects.bulk_create(
            [
                InspectionTask(
                    kind=TaskKind.RETRO,
                    found_by=rule,
                    declaration_id=row["declaration_id"],
                    item_no=row["item_no"],
                    item=_exchange(row),
                    hs_code=row["hs_code"],
                    action="inspect",
                    enterprises=enterprise_key(row["enterprise_ids"]),
                    organisation_id=ports.get(row["port"], rule.organisation_id),
                )
                for row in rows
            ],
            ignore_conflicts=True,
        )
        retro.status, retro.matches, retro.tasks_opened = RetroStatus.DONE, total, len(tasks)
        retro.history_until, retro.finished_at = until, timezone.now()
        retro.seconds = round(time.perf_counter() - started, 3)
        retro.save()
    return retro


def _exchange(row: dict) -> dict:
    """A history row back in the exchange format (the description is kept as stored: casefolded)."""
    data = dict(row)
    data["enterprise_ids"] = list(row["enterprise_ids"] or [])
    data["declared_at"] = row["declared_at"].replace(tzinfo=dt.UTC).isoformat()
    return data
