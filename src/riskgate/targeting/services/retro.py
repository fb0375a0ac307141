"""The declaration history (报关历史数据) that retro-screening reads: every stored screening decision's item, kept
as Parquet parts under DECLARATION_HISTORY_DIR in the two projections of engine/retro.py, appended by a scheduled
job (`manage.py export_declaration_history`); and the retro-screening of a newly issued rule version, whose
matches open follow-up tasks (追溯调查). Both jobs are idempotent."""

import datetime as dt
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from riskgate.core.jobs import enqueue_on_commit

from ..engine import parse_item
from ..engine.retro import retro_items, write_history
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

EXPORT_BATCH = 200_000  # decisions per Parquet part
MAX_FOLLOW_UPS = 2_000  # follow-up tasks opened per rule (the newest matches); the total is recorded


def directory() -> Path:
    return Path(settings.DECLARATION_HISTORY_DIR)


def export(batch: int = EXPORT_BATCH) -> int:
    """Append the decisions not yet in the history, one part per batch; returns the items written. A part is
    recorded only after its files are complete, and its name comes from its first decision, so a run that
    stops half-way is redone by the next one (the files are overwritten)."""
    written = 0
    while True:
        last = HistoryExport.objects.order_by("-last_decision_id").values_list("last_decision_id", flat=True).first()
        rows = list(ScreeningDecision.objects.filter(pk__gt=last or 0).order_by("pk").values_list("pk", "item")[:batch])
        if not rows:
            return written
        items = []
        for _pk, data in rows:
            try:
                items.append(parse_item(data))
            except ValueError:  # stored decisions were checked when screened; a bad row would stop every export
                continue
        name = f"part-{rows[0][0]:012d}"
        write_history(items, directory(), name)
        HistoryExport.objects.update_or_create(
            name=name, defaults={"first_decision_id": rows[0][0], "last_decision_id": rows[-1][0], "items": len(items)}
        )
        written += len(items)


def queue(rule: ControlRule) -> None:
    """Retro-screen a newly issued or changed rule version once the transaction commits."""
    RetroScreening.objects.get_or_create(rule=rule)
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
        until = HistoryExport.objects.order_by("-exported_at").values_list("exported_at", flat=True).first()
        parts = list(directory().glob("by_hs/*.parquet"))
        try:
            total, rows = retro_items(rule.engine_rule(), directory(), limit=MAX_FOLLOW_UPS) if parts else (0, [])
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
