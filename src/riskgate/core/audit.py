"""Writing and verifying the hash-chained audit trail (R-ORG-3).

Every service writes its audit event inside the transaction of the change it records, so the change
and its event are stored together or not at all. Each event's hash covers its own fields and the
previous event's hash; `verify_chain` recomputes the chain and names the first broken link.
"""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .context import current_ip
from .models import AuditEvent, AuditHead
from .principal import is_token

GENESIS_HASH = "0" * 64


def jsonable(value: Any) -> Any:
    """A JSON value that survives a round trip through SQLite JSON and PostgreSQL jsonb unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk if isinstance(value.pk, int) else str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [jsonable(v) for v in value]
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The fields that differ, as {field: [before, after]}."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(key)), jsonable(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def facts(**values: Any) -> dict[str, list[Any]]:
    """Values recorded with an event that are not changes of a stored field, as [None, value] pairs."""
    return {key: [None, jsonable(value)] for key, value in values.items()}


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of the named fields (foreign keys by their id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname) if field.concrete else None
    return values


def _canonical_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "at": _canonical_time(event.at),
        "actor": event.actor_id,
        "actor_repr": event.actor_repr,
        "organisation": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "ip": event.ip,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(json_text(payload).encode("utf-8")).hexdigest()


def actor_fields(actor: Any) -> dict[str, Any]:
    """Actor, its description and its organisation, for a user, an API-token principal or the system."""
    if actor is None:
        return {"actor": None, "actor_repr": "system", "organisation_id": None}
    if is_token(actor):
        return {"actor": None, "actor_repr": actor.audit_repr, "organisation_id": actor.organisation_id}
    if not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_repr": "anonymous", "organisation_id": None}
    return {"actor": actor, "actor_repr": actor.get_username(), "organisation_id": actor.organisation_id}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    organisation_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    who = actor_fields(actor)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=who["actor"],
            actor_repr=who["actor_repr"][:200],
            organisation_id=organisation_id if organisation_id is not None else who["organisation_id"],
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            changes=jsonable(dict(changes or {})),
            ip=current_ip.get(),
            reason=reason,
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def record_read(*, actor: Any, obj: models.Model, reason: str = "") -> AuditEvent:
    """Audit a read of a confidential object."""
    return record(actor=actor, action="view", obj=obj, reason=reason)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.checked} events verified."
        return (
            f"Audit chain BROKEN at seq {self.broken_seq}: {self.problem} ({self.checked} events before it verified)."
        )


def verify_chain() -> ChainReport:
    """Recompute the chain from the first event; report the first broken link."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(
                False, checked, expected_seq, f"events {expected_seq}..{event.seq - 1} are missing (deleted)"
            )
        if event.prev_hash != expected_prev:
            return ChainReport(False, checked, event.seq, "previous-hash link does not match the event before it")
        if compute_hash(event) != event.hash:
            return ChainReport(False, checked, event.seq, "content does not match its hash (row was changed)")
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != expected_prev:
        return ChainReport(
            False, checked, checked + 1, f"the chain head records seq {head_seq}: the latest events were deleted"
        )
    return ChainReport(True, checked)
