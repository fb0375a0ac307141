"""The red and black lists (plans §三 12, R-CRD-1): an officer proposes an enterprise under a criterion it meets,
a second officer approves (published on the portal) or rejects; an entry leaves at expiry, when revoked, or after
credit repair — the enterprise applies with evidence, an officer decides. Every step audited; nothing deleted."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.evidence import prepare_upload
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, require_person

from ..models import (
    OPEN_ENTRY,
    EntryStatus,
    ListCriterion,
    ListEntry,
    ListKind,
    RemovalKind,
    RepairApplication,
    RepairStatus,
)
from ..queries import lists as queries
from . import sharing
from .grades import _enterprise


def _record(principal, entry: ListEntry, action: str, changes: dict | None = None, reason: str = "") -> None:
    audit.record(
        actor=principal,
        action=f"credit_list.{action}",
        obj=entry,
        object_repr=entry.reference,
        changes=changes or {},
        reason=reason[:500],
        organisation_id=entry.enterprise_id,
    )


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, message)
    return value[:5000]


@transaction.atomic
def propose(
    principal: Principal, enterprise: Organisation, criterion: ListCriterion, *, reason: str, public_summary: str
) -> ListEntry:
    """Propose the enterprise for the criterion's list; it must meet the criterion now (the events that do are
    kept with the entry) and not be on that list or proposed for it already."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    require_person(principal)
    enterprise = _enterprise(principal, enterprise)
    if criterion is None or not criterion.active:
        raise field_error("criterion", _("请选择认定标准。"))
    reason = _text(reason, "reason", _("请写明认定理由。"))
    public_summary = _text(public_summary, "public_summary", _("请填写公布内容。"))
    if ListEntry.objects.filter(enterprise=enterprise, kind=criterion.kind, status__in=OPEN_ENTRY).exists():
        raise field_error("criterion", _("该企业已在此名单上或已被提出。"))
    if not queries.meets(criterion, enterprise):
        raise field_error("criterion", _("该企业目前不符合此认定标准。"))
    try:
        with transaction.atomic():
            entry = ListEntry.objects.create(
                enterprise=enterprise,
                kind=criterion.kind,
                criterion=criterion,
                facts=queries.facts(criterion, enterprise),
                reason=reason,
                public_summary=public_summary,
                proposed_by=person(principal),
            )
    except IntegrityError:  # proposed at the same moment by another officer
        raise field_error("criterion", _("该企业已在此名单上或已被提出。")) from None
    _record(principal, entry, "proposed", {"list": entry.kind, "criterion": criterion.code}, reason)
    return entry


def _locked(principal: Principal, entry: ListEntry) -> ListEntry:
    locked = ListEntry.objects.visible_to(principal).select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


@transaction.atomic
def decide(principal: Principal, entry: ListEntry, *, approve: bool, note: str = "") -> ListEntry:
    """A second officer — never the proposer — approves (published now, until the criterion's period ends) or
    rejects it with a note."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    reviewer = require_person(principal)
    entry = _locked(principal, entry)
    if entry.status != EntryStatus.PROPOSED:
        raise field_error("status", _("该名单记录已审核。"))
    if entry.proposed_by_id == reviewer.pk:
        raise field_error("status", _("审核须由提出人以外的另一名人员进行。"))
    note = (note or "").strip()[:5000]
    if not approve and not note:
        raise field_error("note", _("不通过须写明意见。"))
    now = timezone.now()
    entry.decided_by, entry.decided_at, entry.decision_note = reviewer, now, note
    if approve:
        entry.status, entry.published_at = EntryStatus.PUBLISHED, now
        entry.expires_on = timezone.localdate(now) + dt.timedelta(days=entry.criterion.duration_days)
    else:
        entry.status = EntryStatus.REJECTED
    entry.save()
    if approve:
        sharing.log_entry(entry)
    changes = {"status": [EntryStatus.PROPOSED, entry.status], "expires_on": entry.expires_on}
    _record(principal, entry, "published" if approve else "rejected", changes, note)
    return entry


def _remove(principal, entry: ListEntry, kind: str, reason: str, now: dt.datetime) -> ListEntry:
    entry.status, entry.removed_at, entry.removal_kind, entry.removal_reason = EntryStatus.REMOVED, now, kind, reason
    entry.removed_by = person(principal) if principal else None
    entry.save()
    sharing.log_entry(entry)
    _record(principal, entry, "removed", {"status": [EntryStatus.PUBLISHED, EntryStatus.REMOVED], "why": kind}, reason)
    return entry


@transaction.atomic
def revoke(principal: Principal, entry: ListEntry, *, reason: str) -> ListEntry:
    """An officer takes a published entry off the list (listed in error, a decision overturned)."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    require_person(principal)
    entry = _locked(principal, entry)
    if entry.status != EntryStatus.PUBLISHED:
        raise field_error("status", _("只有已公布的名单记录才能撤销。"))
    return _remove(
        principal, entry, RemovalKind.REVOKED, _text(reason, "reason", _("请说明撤销的理由。")), timezone.now()
    )


def expire(now: dt.datetime | None = None) -> int:
    """Scheduled nightly: entries whose publication period has ended leave the list (audited); idempotent."""
    now = now or timezone.now()
    ended = 0
    for entry in ListEntry.objects.filter(status=EntryStatus.PUBLISHED, expires_on__lt=timezone.localdate(now)):
        with transaction.atomic():
            locked = ListEntry.objects.select_for_update().filter(pk=entry.pk, status=EntryStatus.PUBLISHED).first()
            if locked is not None:
                _remove(None, locked, RemovalKind.EXPIRED, _("公布期满"), now)
                ended += 1
    return ended


@transaction.atomic
def apply_repair(principal: Principal, entry: ListEntry, *, statement: str, evidence) -> RepairApplication:
    """The enterprise on the black list applies for credit repair with what it corrected and a proof."""
    require(principal, Permission.CREDIT_REPAIR_APPLY)
    applicant = require_person(principal)
    entry = ListEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if entry is None or getattr(principal, "organisation_id", None) != entry.enterprise_id:
        raise PermissionDenied
    if entry.kind != ListKind.BLACK or entry.status != EntryStatus.PUBLISHED:
        raise field_error("statement", _("只有已公布的黑名单记录可以申请信用修复。"))
    if entry.repairs.filter(status=RepairStatus.SUBMITTED).exists():
        raise field_error("statement", _("已有待审核的修复申请。"))
    statement = _text(statement, "statement", _("请说明整改情况。"))
    if evidence is None:
        raise field_error("evidence", _("请上传证明材料。"))
    digest, name = prepare_upload(evidence, "evidence")
    application = RepairApplication.objects.create(
        entry=entry,
        enterprise_id=entry.enterprise_id,
        statement=statement,
        evidence=evidence,
        evidence_name=name,
        evidence_sha256=digest,
        submitted_by=applicant,
    )
    audit.record(
        actor=principal,
        action="credit_repair.applied",
        obj=application,
        object_repr=application.reference,
        changes={"entry": entry.reference, "evidence_sha256": digest},
        reason=statement[:500],
        organisation_id=entry.enterprise_id,
    )
    return application


@transaction.atomic
def decide_repair(
    principal: Principal, application: RepairApplication, *, approve: bool, note: str = ""
) -> RepairApplication:
    """An officer of the enterprise's jurisdiction decides: approved, the entry leaves the list (repaired); the
    application, the entry and their history stay."""
    require(principal, Permission.CREDIT_RECORD_MANAGE)
    reviewer = require_person(principal)
    application = RepairApplication.objects.visible_to(principal).select_for_update().filter(pk=application.pk).first()
    if application is None:
        raise PermissionDenied
    if application.status != RepairStatus.SUBMITTED:
        raise field_error("status", _("该申请已审核。"))
    note = (note or "").strip()[:5000]
    if not approve and not note:
        raise field_error("note", _("不通过须写明意见。"))
    now = timezone.now()
    application.status = RepairStatus.APPROVED if approve else RepairStatus.REJECTED
    application.decided_by, application.decided_at, application.decision_note = reviewer, now, note
    application.save()
    audit.record(
        actor=principal,
        action="credit_repair.approved" if approve else "credit_repair.rejected",
        obj=application,
        object_repr=application.reference,
        changes={"status": [RepairStatus.SUBMITTED, application.status]},
        reason=note[:500],
        organisation_id=application.enterprise_id,
    )
    if approve:
        entry = ListEntry.objects.select_for_update().get(pk=application.entry_id)
        if entry.status == EntryStatus.PUBLISHED:
            _remove(principal, entry, RemovalKind.REPAIRED, _("信用修复：%s") % application.reference, now)
    return application
