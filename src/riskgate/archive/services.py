"""Every write of the archive: archiving closed records with their classification, an officer's classification,
legal holds, the retention job's reviews (the dry-run report), their submission, their approval by a second
officer — which carries out the disposal — or their rejection. Each write is authorised, scoped, audited and one
transaction; the scheduled job is idempotent (a second run the same day changes nothing)."""

import contextlib
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.models import AuditEvent
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person

from . import queries
from .kinds import KINDS, Kind
from .models import (
    ArchivedRecord,
    ArchiveState,
    DisposalItem,
    DisposalReview,
    Importance,
    ItemOutcome,
    Retention,
    ReviewStatus,
)

# -- retention --------------------------------------------------------------------------------------------------


def retention_of(importance: str) -> tuple[str, int | None]:
    """The retention period of an importance, and its length in years (None: permanent)."""
    if importance == Importance.TYPICAL:
        return Retention.PERMANENT, None
    if importance == Importance.MAJOR:
        return Retention.LONG, settings.ARCHIVE_LONG_TERM_YEARS
    return Retention.SHORT, settings.ARCHIVE_RETENTION_YEARS


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without it
        return day.replace(year=day.year + years, day=28)


def _set_retention(record: ArchivedRecord) -> None:
    record.retention, years = retention_of(record.importance)
    closed_on = timezone.localtime(record.closed_at).date()
    record.retain_until = None if years is None else add_years(closed_on, years)


def _automatic(kind: Kind, pks: list[int]) -> dict[int, tuple[str, str]]:
    """Importance and basis by the records' own facts: typical over major over ordinary."""
    found: dict[int, tuple[str, str]] = {}
    for rule, importance, basis in (
        (kind.major, Importance.MAJOR, kind.major_basis),
        (kind.typical, Importance.TYPICAL, kind.typical_basis),
    ):
        if rule is not None:
            for pk in kind.model.objects.filter(rule, pk__in=pks).values_list("pk", flat=True):
                found[pk] = (importance, str(basis))
    return found


def archive_closed(now: dt.datetime | None = None, chunk: int = 2000) -> dict[str, int]:
    """Archive every closed record not yet archived, classified by its own facts; raise the importance of an
    automatically classified record whose facts have since made it major or typical (never lowered by the job).
    One audit event per category and run that changed anything."""
    counts: dict[str, int] = {}
    for category, kind in KINDS.items():
        withdrawn = _withdraw_reopened(kind)
        archived = ArchivedRecord.objects.filter(category=category).exclude(state=ArchiveState.WITHDRAWN)
        fresh = (
            kind.model.objects.filter(kind.closed)
            .exclude(pk__in=archived.values("object_id"))
            .annotate(archive_closed_at=kind.closed_at())
            .order_by("pk")
        )
        made = 0
        while batch := list(fresh[:chunk]):
            facts = _automatic(kind, [o.pk for o in batch])
            again = {
                r.object_id: r
                for r in ArchivedRecord.objects.filter(category=category, object_id__in=[o.pk for o in batch])
            }
            rows = []
            for obj in batch:
                row = again.get(obj.pk) or ArchivedRecord(category=category, object_id=obj.pk)
                if row.classified_by_id is None:
                    row.importance, row.basis = facts.get(obj.pk, (Importance.ORDINARY, ""))
                row.reference, row.title = obj.reference, (kind.title(obj) or "")[:300]
                row.organisation_id, row.state = obj.organisation_id, ArchiveState.KEPT
                row.closed_at = obj.archive_closed_at or now or timezone.now()
                _set_retention(row)
                rows.append(row)
            with transaction.atomic():
                ArchivedRecord.objects.bulk_create([r for r in rows if r.pk is None])
                for row in rows:
                    if row.pk is not None and row.object_id in again:
                        row.save()
                audit.record(
                    actor=None,
                    action="archive.archived",
                    object_type="archive.archivedrecord",
                    object_repr=str(kind.category.label),
                    changes={"category": category, "count": len(rows), "first": rows[0].reference,
                             "last": rows[-1].reference, "again": len(again)},
                )  # fmt: skip
            made += len(rows)
        raised = _raise_importance(kind)
        if made or raised or withdrawn:
            counts[category] = made + raised + withdrawn
    return counts


def _withdraw_reopened(kind: Kind) -> int:
    """Archived records whose live record was reopened (no longer closed) or is gone leave the archive; they
    come back, with their new closing time, when they close again."""
    closed = kind.model.objects.filter(kind.closed).values("pk")
    gone = ArchivedRecord.objects.filter(category=kind.category, state=ArchiveState.KEPT).exclude(object_id__in=closed)
    with transaction.atomic():
        references = list(gone.select_for_update().values_list("reference", flat=True))
        if not references:
            return 0
        gone.update(state=ArchiveState.WITHDRAWN, updated_at=timezone.now())
        audit.record(
            actor=None,
            action="archive.reopened",
            object_type="archive.archivedrecord",
            object_repr=str(kind.category.label),
            changes={"category": kind.category.value, "records": references},
        )
    return len(references)


def _raise_importance(kind: Kind) -> int:
    kept = ArchivedRecord.objects.filter(
        category=kind.category, state=ArchiveState.KEPT, classified_by__isnull=True
    ).exclude(importance=Importance.TYPICAL)
    raised = 0
    for rule, importance, basis in (
        (kind.typical, Importance.TYPICAL, kind.typical_basis),
        (kind.major, Importance.MAJOR, kind.major_basis),
    ):
        if rule is None:
            continue
        lower = [Importance.ORDINARY] if importance == Importance.MAJOR else [Importance.ORDINARY, Importance.MAJOR]
        matching = kind.model.objects.filter(rule).values("pk")
        for pk in kept.filter(importance__in=lower, object_id__in=matching).values_list("pk", flat=True):
            with transaction.atomic():
                record = ArchivedRecord.objects.select_for_update().get(pk=pk)
                before = audit.snapshot(record, ["importance", "retention", "retain_until"])
                record.importance, record.basis = importance, str(basis)
                _set_retention(record)
                record.save()
                _audit(None, record, "archive.classified", audit.diff(before, audit.snapshot(record, before)))
            raised += 1
    return raised


# -- disposal plan --------------------------------------------------------------------------------------------


def draft_reviews(as_of: dt.date) -> list[DisposalReview]:
    """Put every record past its retention, not yet in an open review, into its unit's open draft review (made
    when there is none). Records blocked today are listed too, with why: the review is the dry-run report."""
    open_items = DisposalItem.objects.filter(review__status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED])
    due = queries.due(as_of).exclude(pk__in=open_items.values("record_id"))
    by_unit: dict[int, list[ArchivedRecord]] = defaultdict(list)
    for record in due.order_by("category", "object_id"):
        by_unit[record.organisation_id].append(record)
    touched = []
    for unit, records in by_unit.items():
        with transaction.atomic():
            review = (
                DisposalReview.objects.select_for_update()
                .filter(organisation_id=unit, status=ReviewStatus.DRAFT)
                .first()
            )
            if review is None:
                review = DisposalReview.objects.create(organisation_id=unit, as_of=as_of)
            elif review.as_of != as_of:
                review.as_of = as_of
                review.save(update_fields=["as_of", "updated_at"])
            DisposalItem.objects.bulk_create([DisposalItem(review=review, record=r) for r in records])
            _audit(None, review, "archive.review_drafted", {"records": [r.reference for r in records]})
        touched.append(review)
    return touched


def run_retention(now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduled job (and `manage.py retention`): archive what closed, then draft the reviews of what is past
    its retention. Nothing is disposed of here: disposal waits for a second officer's approval."""
    now = now or timezone.now()
    archived = archive_closed(now)
    reviews = draft_reviews(timezone.localtime(now).date())
    return {"archived": sum(archived.values()), "reviews": len(reviews)}


# -- officers' decisions ------------------------------------------------------------------------------------


def _audit(principal, obj, action: str, changes: dict | None = None, reason: str = "") -> None:
    audit.record(
        actor=principal,
        action=action,
        obj=obj,
        object_repr=obj.reference,
        changes=changes or {},
        reason=reason[:500],
        organisation_id=obj.organisation_id,
    )


def _reason(data: dict, key: str = "reason") -> str:
    value = (data.get(key) or "").strip()
    if not value:
        raise field_error(key, _("请填写理由。"))
    return value[:2000]


def _locked_record(principal: Principal, record: ArchivedRecord) -> ArchivedRecord:
    found = queries.records(principal).select_for_update(of=("self",)).filter(pk=record.pk).first()
    if found is None:
        raise PermissionDenied
    if found.state != ArchiveState.KEPT:
        raise field_error("reason", _("该档案已销毁。"))
    return found


@transaction.atomic
def classify(principal: Principal, record: ArchivedRecord, data: dict) -> ArchivedRecord:
    """An officer sets the importance (and so the retention) with the reason; it then stays as set."""
    require(principal, Permission.ARCHIVE_RECORD_MANAGE)
    user = require_person(principal)
    record = _locked_record(principal, record)
    importance = data.get("importance")
    if importance not in Importance.values:
        raise field_error("importance", _("请选择重要程度。"))
    reason = _reason(data)
    before = audit.snapshot(record, ["importance", "retention", "retain_until"])
    record.importance, record.basis, record.classified_by = importance, reason[:300], user
    _set_retention(record)
    record.save()
    _audit(principal, record, "archive.classified", audit.diff(before, audit.snapshot(record, before)), reason)
    return record


@transaction.atomic
def hold(principal: Principal, record: ArchivedRecord, data: dict) -> ArchivedRecord:
    """Legal hold (诉讼保全): the record is not disposed of, whatever its retention, until the hold is released."""
    require(principal, Permission.ARCHIVE_RECORD_MANAGE)
    user = require_person(principal)
    record = _locked_record(principal, record)
    if record.on_hold:
        raise field_error("reason", _("该档案已在诉讼保全中。"))
    reason = _reason(data)
    record.on_hold, record.hold_reason, record.hold_by, record.hold_at = True, reason, user, timezone.now()
    record.save()
    _audit(principal, record, "archive.hold_placed", {}, reason)
    return record


@transaction.atomic
def release(principal: Principal, record: ArchivedRecord, data: dict) -> ArchivedRecord:
    require(principal, Permission.ARCHIVE_RECORD_MANAGE)
    require_person(principal)
    record = _locked_record(principal, record)
    if not record.on_hold:
        raise field_error("reason", _("该档案不在诉讼保全中。"))
    reason = _reason(data)
    record.on_hold, record.hold_reason, record.hold_by, record.hold_at = False, "", None, None
    record.save()
    _audit(principal, record, "archive.hold_released", {}, reason)
    return record


def _locked_review(principal: Principal, review: DisposalReview, status: str) -> DisposalReview:
    found = queries.reviews(principal).select_for_update(of=("self",)).filter(pk=review.pk).first()
    if found is None:
        raise PermissionDenied
    if found.status != status:
        raise field_error("note", _("该销毁审批单当前状态为「%s」。") % found.get_status_display())
    return found


@transaction.atomic
def submit(principal: Principal, review: DisposalReview, data: dict) -> DisposalReview:
    """The first officer has checked the list and submits it for approval."""
    require(principal, Permission.ARCHIVE_RECORD_MANAGE)
    user = require_person(principal)
    review = _locked_review(principal, review, ReviewStatus.DRAFT)
    if not review.items.exists():
        raise field_error("note", _("清册为空。"))
    review.status, review.submitted_by, review.submitted_at = ReviewStatus.SUBMITTED, user, timezone.now()
    review.note = (data.get("note") or "").strip()[:2000]
    review.save()
    _audit(principal, review, "archive.review_submitted", {"items": review.items.count()}, review.note)
    return review


def _second_officer(principal: Principal, review: DisposalReview):
    require(principal, Permission.ARCHIVE_DISPOSAL_APPROVE)
    user = require_person(principal)
    if user.pk == review.submitted_by_id:
        raise field_error("note", _("销毁须由提交人以外的另一名人员审批。"))
    return user


@transaction.atomic
def reject(principal: Principal, review: DisposalReview, data: dict) -> DisposalReview:
    review = _locked_review(principal, review, ReviewStatus.SUBMITTED)
    user = _second_officer(principal, review)
    note = _reason(data, "note")
    review.status, review.decided_by, review.decided_at, review.note = ReviewStatus.REJECTED, user, timezone.now(), note
    review.save()
    review.items.filter(outcome=ItemOutcome.PENDING).update(outcome=ItemOutcome.KEPT, note=_("审批未通过。"))
    _audit(principal, review, "archive.review_rejected", {}, note)
    return review


@transaction.atomic
def approve(principal: Principal, review: DisposalReview, data: dict) -> DisposalReview:
    """A second officer approves: each record still past its retention, not on hold, still ordinary and still
    closed is deleted with what it owns, and leaves its tombstone; the others stay, each with why."""
    review = _locked_review(principal, review, ReviewStatus.SUBMITTED)
    user = _second_officer(principal, review)
    now = timezone.now()
    today = timezone.localtime(now).date()
    files: list = []
    disposed = 0
    pending = list(review.items.filter(outcome=ItemOutcome.PENDING).order_by("pk"))
    # A record still referenced by another of the review (a warning by its measure) goes once that one is gone:
    # passes until one disposes of nothing more.
    while pending:
        left, why_kept = [], {}
        for item in pending:
            record = ArchivedRecord.objects.select_for_update().get(pk=item.record_id)
            found = queries.dossier(record)
            why = queries.refusal(record, today) or found.blocked
            if why:
                left.append(item)
                why_kept[item.pk] = why
                continue
            files.extend(_dispose(principal, review, record, found, now))
            item.outcome = ItemOutcome.DISPOSED
            item.save(update_fields=["outcome"])
            disposed += 1
        if len(left) == len(pending):
            for item in left:
                item.outcome, item.note = ItemOutcome.KEPT, why_kept[item.pk][:500]
                item.save(update_fields=["outcome", "note"])
            break
        pending = left
    review.status, review.decided_by, review.decided_at = ReviewStatus.EXECUTED, user, now
    review.note = "\n".join(filter(None, [review.note, (data.get("note") or "").strip()[:2000]]))
    review.save()
    _audit(principal, review, "archive.review_approved", {"disposed": disposed})
    transaction.on_commit(lambda: _delete_files(files))
    return review


def _dispose(principal, review, record: ArchivedRecord, found: queries.Dossier, now: dt.datetime) -> list:
    """Delete the live record with what it owns; the archived row becomes its tombstone. The files to delete
    once the transaction has committed."""
    content = found.serialized()
    for model, name, pks in found.cleared:
        model._base_manager.filter(**{f"{name}__in": pks}).update(**{name: None})
    by_model: dict[type[models.Model], list[int]] = defaultdict(list)
    for row in found.rows:
        by_model[type(row)].append(row.pk)
    # Foreign keys are checked at commit (deferred, on both databases): the order of the deletes does not matter.
    for model, pks in by_model.items():
        model._base_manager.filter(pk__in=pks)._raw_delete(model._base_manager.db)
    record.state, record.disposed_at, record.review = ArchiveState.DISPOSED, now, review
    record.content_sha256 = hashlib.sha256(content).hexdigest()
    record.disposed_rows, record.disposed_files = len(found.rows), len(found.files)
    record.save()
    _audit(
        principal,
        record,
        "archive.disposed",
        {"rows": record.disposed_rows, "files": record.disposed_files, "sha256": record.content_sha256},
        _("依据销毁审批单 %s") % review.reference,
    )
    return [f for _name, f in found.files]


def _delete_files(files) -> None:
    for f in files:
        with contextlib.suppress(OSError):  # already gone: the tombstone records it was disposed of
            f.storage.delete(f.name)


# -- the archive package of a case -------------------------------------------------------------------------------


def _events_of(rows: list[models.Model], record: ArchivedRecord) -> list[dict]:
    by_type: dict[str, list[str]] = defaultdict(list)
    for o in rows:
        by_type[o._meta.label_lower].append(str(o.pk))
    by_type["archive.archivedrecord"].append(str(record.pk))
    which = models.Q()
    for object_type, ids in by_type.items():
        which |= models.Q(object_type=object_type, object_id__in=ids)
    fields = ["seq", "at", "actor_repr", "organisation_id", "action", "object_type", "object_id", "object_repr",
              "changes", "reason", "prev_hash", "hash"]  # fmt: skip
    return [audit.jsonable(e) for e in AuditEvent.objects.filter(which).order_by("seq").values(*fields)]


def package(principal: Principal, record: ArchivedRecord) -> tuple[str, bytes]:
    """The archive package of a record (档案包): its rows and what it owns (records.json), their files, their
    audit events (audit.json), and manifest.json naming every other member with its SHA-256 and size."""
    require(principal, Permission.ARCHIVE_RECORD_MANAGE)
    found = queries.records(principal).filter(pk=record.pk).first()
    if found is None:
        raise PermissionDenied
    if found.state != ArchiveState.KEPT:
        raise field_error("record", _("该档案已销毁，只余销毁记录。"))
    dossier_ = queries.dossier(found)
    if dossier_.obj is None:
        raise field_error("record", dossier_.blocked)
    members: dict[str, bytes] = {
        "records.json": dossier_.serialized(),
        "audit.json": json_bytes(_events_of(dossier_.rows, found)),
    }
    for name, f in dossier_.files:
        try:
            with f.open("rb") as handle:
                members[f"files/{name}/{f.name.rsplit('/', 1)[-1]}"] = handle.read()
        except OSError:
            members[f"files/{name}.missing"] = b""
    manifest = {
        "record": {"reference": found.reference, "category": found.category, "title": found.title,
                   "importance": found.importance, "retention": found.retention,
                   "retain_until": found.retain_until, "closed_at": found.closed_at},
        "exported_at": timezone.now(),
        "exported_by": str(principal),
        "members": [{"name": n, "bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                    for n, b in sorted(members.items())],
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json_bytes(manifest))
        for name, content in sorted(members.items()):
            archive.writestr(name, content)
    content = buffer.getvalue()
    with transaction.atomic():
        _audit(principal, found, "archive.exported", {"sha256": hashlib.sha256(content).hexdigest(),
                                                      "members": len(members)})  # fmt: skip
    return f"{found.reference}.zip", content


def json_bytes(value) -> bytes:
    return json.dumps(audit.jsonable(value), ensure_ascii=False, indent=1, sort_keys=True).encode()
