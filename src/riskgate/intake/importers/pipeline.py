"""Bulk intake of real alert-system exports (RASFF, Safety Gate, CPSC, FDA, NHTSA) and partner files.

Every source maps a row to RiskInformation fields keyed by (external system, external id). An import is
idempotent: a record whose content is unchanged is left alone, a changed one is updated, a new one created.
Rows that cannot be mapped are rejected with their line and reason while the good rows are imported (the
documented choice); each batch is written in one transaction, so an unexpected failure leaves no half-
written batch. A reference repeated inside one file is collapsed to its last row and reported.
A secondary source (the RASFF 2024 risk-decision file) enriches records of the same system: it fills only
empty fields and adds its own source data, so importing the files in any order, any number of times,
converges to the same records."""

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from riskgate.core import audit
from riskgate.core.fastpath.bulk import insert_rows, insert_values, new_ids, new_instances, update_rows
from riskgate.core.fastpath.lookup import ids_in
from riskgate.core.search import deferred_indexing
from riskgate.core.vocabulary import Urgency

from ..enrich import DERIVED_FIELDS, apply_derived, deriver
from ..linking import detect, detect_on_commit, mark_pending, pending_ids
from ..models import CONTENT_FIELDS, Channel, RiskInformation, StatusChange
from .reading import RowError, read_file
from .sources import SOURCES, Source


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    source: str
    path: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[Rejected] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    proposed_links: int | None = 0  # None: detection runs after several files (import_files)
    seconds: float = 0.0

    def stored(self, sample: int) -> dict:
        """The report as kept with a job: every count, and the first `sample` duplicates and rejections (the
        rest go to a file: jobs.run_job)."""
        data = dataclasses.asdict(self)
        data["duplicates_count"], data["rejected_count"] = len(self.duplicates), len(self.rejected)
        data["duplicates"], data["rejected"] = data["duplicates"][:sample], data["rejected"][:sample]
        return data

    def __str__(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0
        links = "" if self.proposed_links is None else f", links proposed {self.proposed_links}"
        return (
            f"{self.source}: {self.rows} rows — created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, duplicates in file {len(self.duplicates)}, rejected {len(self.rejected)}"
            f"{links} ({self.seconds:.1f} s, {rate:.0f} rows/s)"
        )


def _fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _apply(info: RiskInformation, fields: dict, *, fill_only: bool) -> None:
    """Set the source's values; an import never blanks a field, and a secondary source only fills empty ones."""
    for name, value in fields.items():
        if value in ("", None, []):
            continue
        if fill_only and getattr(info, name) not in ("", None, [], Urgency.NORMAL):
            continue
        setattr(info, name, value)


BATCH_SIZE = 2000  # rows per transaction


def run_import(
    source_key: str,
    path: Path,
    *,
    organisation,
    actor=None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    rows: Iterable[tuple[int, dict]] | None = None,
    channel: str = Channel.FOREIGN_NOTIFICATION,
    detect_links_now: bool = True,
    processes: int = 1,
) -> ImportReport:
    """Import one file of a known source into the given organisation's jurisdiction. With processes=2 the
    derived values (tokens, signatures, triage) are computed on a second process (enrich.deriver)."""
    started = time.monotonic()
    with deriver(processes) as derive:
        report, changed, created = _import(
            source_key, path, organisation, actor, batch_size, progress, rows, channel, derive
        )
    if detect_links_now:
        # Links are proposals an officer reviews; they are made once the rows are stored — for this run's rows
        # and for any an earlier run stored but was stopped before it could link.
        changed = [*changed, *pending_ids()]
    if changed and detect_links_now:
        with transaction.atomic():
            report.proposed_links = detect(changed, created=created)
    elif changed:
        detect_on_commit(changed)  # an API request answers at once; the background job proposes the links
    report.seconds = time.monotonic() - started
    return report


def import_files(
    files: list[tuple[str, Path]],
    *,
    organisation,
    processes: int = 1,
    progress_for: Callable[[str], Callable[[int, int], None] | None] | None = None,
) -> tuple[list[ImportReport], int]:
    """Several files (the import command's --all), then one duplicate detection over all they created or
    changed: one pass over the database instead of one per file. Returns the reports and the number of links
    proposed."""
    reports, changed, created = [], [], []
    with deriver(processes) as derive:  # one worker for all the files
        for key, path in files:
            started = time.monotonic()
            progress = progress_for(key) if progress_for else None
            try:
                report, file_changed, file_created = _import(
                    key, path, organisation, None, BATCH_SIZE, progress, None, Channel.FOREIGN_NOTIFICATION, derive
                )
            except RowError as exc:  # the file as a whole (its encoding or format); the files before it are kept
                raise RowError(f"{path}: {exc}") from exc
            report.seconds = time.monotonic() - started
            report.proposed_links = None  # proposed for all the files together, below
            reports.append(report)
            changed += file_changed
            created += file_created
    proposed = 0
    changed = [*changed, *pending_ids()]
    if changed:
        with transaction.atomic():
            proposed = detect(changed, created=created)
    return reports, proposed


def _import(
    source_key, path, organisation, actor, batch_size, progress, rows, channel, derive
) -> tuple[ImportReport, list[int], list[int]]:
    """The rows of one file, written batch by batch (derive: from enrich.deriver); returns the report and the
    ids changed and created."""
    source = SOURCES[source_key]
    if source.key == "partner":
        # Each partner's references are its own: the system key names the sending organisation.
        source = Source("partner", f"PARTNER:{organisation.code}", source.label, "", source.mapper)
        channel = Channel.BULK_IMPORT if channel == Channel.FOREIGN_NOTIFICATION else channel
    report = ImportReport(source=source.key, path=str(path))
    mapped: dict[str, tuple[int, dict]] = {}
    for line, row in rows if rows is not None else read_file(path):
        report.rows += 1
        try:
            external_id, fields = source.mapper(row)
        except RowError as exc:
            report.rejected.append(Rejected(line, str(exc)))
            continue
        except KeyError as exc:  # a file of another source, or a column missing from this one
            report.rejected.append(Rejected(line, f"缺少列：{exc.args[0]}"))
            continue
        if external_id in mapped:
            report.duplicates.append(Rejected(mapped[external_id][0], f"same reference {external_id} as line {line}"))
        mapped[external_id] = (line, fields)

    items = list(mapped.items())
    done, changed, created = 0, [], []
    # The first batch is small: its derived values are the only ones nothing else overlaps.
    first = min(batch_size, max(batch_size // 4, 100))
    batches = [items[:first]] + [items[start : start + batch_size] for start in range(first, len(items), batch_size)]
    batches = [b for b in batches if b]
    # A pipeline: while the derived values of one batch are computed (on a second process, if asked), the
    # previous batch is written. Batches hold distinct references, so building one before the previous is
    # written reads nothing that the write changes.
    pending = None
    for batch in [*batches, None]:
        upcoming = None
        if batch is not None:
            to_create, to_update = _build_batch(source, batch, organisation, report, channel)
            upcoming = (len(batch), to_create, to_update, derive(to_create + to_update))
        if pending is not None:
            size, to_create, to_update, derived = pending
            apply_derived(to_create + to_update, derived.result())
            with transaction.atomic():
                changed += _store_batch(source, to_create, to_update, organisation, actor, report)
            created += [info.pk for info in to_create]
            done += size
            if progress:
                progress(done, len(items))
        pending = upcoming
    return report, changed, created


def _build_batch(source: Source, batch, organisation, report: ImportReport, channel: str) -> tuple[list, list]:
    """The items of one batch to create and to update (reads only); unchanged rows are counted and left out."""
    existing = _existing(source.system, [external_id for external_id, _ in batch])
    now = timezone.now()  # the moment the batch is received
    base = {
        "external_system": source.system,
        "channel": channel,
        "organisation_id": organisation.pk,
        "reporter_kind": "system",
        "received_at": now,
        "status_since": now,
    }
    new, to_update = [], []
    for external_id, (_line, fields) in batch:
        fields = dict(fields)
        own_data = fields.pop("_source_data", {})
        fingerprint = _fingerprint({"fields": fields, "data": own_data})
        data = {source.key: own_data, "_fingerprints": {source.key: fingerprint}}
        info = existing.get(external_id)
        if info is None:
            # An import never blanks a field: the empty values of the row leave the field's default.
            values = {name: value for name, value in fields.items() if value not in ("", None, [])}
            new.append({**base, **values, "external_id": external_id, "source_data": data})
            continue
        if info.source_data.get("_fingerprints", {}).get(source.key) == fingerprint:
            report.unchanged += 1
            continue
        _apply(info, fields, fill_only=source.secondary)
        old = info.source_data
        info.source_data = {
            **old,
            **data,
            "_fingerprints": {**old.get("_fingerprints", {}), **data["_fingerprints"]},
        }
        to_update.append(info)
    return new_instances(RiskInformation, new), to_update


def _existing(system: str, references: list[str]) -> dict[str, RiskInformation]:
    """The stored items of these references (their ids from one statement: core.fastpath.lookup)."""
    ids = ids_in(RiskInformation, "external_id", references, external_system=system)
    return {info.external_id: info for info in RiskInformation.objects.filter(pk__in=ids)} if ids else {}


def _store_batch(source: Source, to_create: list, to_update: list, organisation, actor, report) -> list[int]:
    """Write one batch (inside the caller's transaction); returns the ids of the items created or changed."""
    for info, pk in zip(to_create, new_ids(RiskInformation, len(to_create)), strict=True):
        info.pk = pk
    with deferred_indexing(RiskInformation):
        insert_rows(to_create, RiskInformation, with_ids=True)
    insert_values(
        StatusChange,
        ["information_id", "from_status", "to_status", "at", "actor_repr", "reason"],
        [[info.pk, "", info.status, info.received_at, f"import:{source.key}", ""] for info in to_create],
    )
    update_rows(to_update, [*CONTENT_FIELDS, *DERIVED_FIELDS, "source_data", "updated_at"], RiskInformation)
    mark_pending([info.pk for info in to_create + to_update])  # until their proposals are stored (linking.detect)
    report.created += len(to_create)
    report.updated += len(to_update)
    if to_create or to_update:
        audit.record(
            actor=actor,
            action="intake.imported",
            object_type="intake.riskinformation",
            object_repr=source.label,
            organisation_id=organisation.pk,
            changes=audit.facts(source=source.key, created=len(to_create), updated=len(to_update)),
        )
    return [info.pk for info in to_create + to_update]
