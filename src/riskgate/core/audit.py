"""Writing and verifying the hash-chained audit trail (R-ORG-3).

Every service writes its audit event inside the transaction of the change it records, so the change
and its event are stored together or not at all. Each event's hash is an HMAC-SHA256, keyed with a secret
kept outside the database (settings.AUDIT_CHAIN_KEY), over its own fields and the previous event's hash;
`verify_chain` recomputes the chain and names the first broken link.

What each part protects against (docs/decisions/0014-audit-chain-key-and-checkpoints.md):
- the chain: an edited, inserted or deleted event in the middle;
- the key: whoever can write to the database but does not hold the key cannot recompute the hashes after
  an edit (an unkeyed SHA-256 chain can simply be recomputed);
- the checkpoints: an append-only file outside the database, each line signed and linked to the line before,
  records the head (seq, hash) from time to time. Deleting the latest events and moving the head back needs
  no new hash, so only an anchor outside the database shows it: `verify_chain` compares every checkpoint
  with the events and the head. Events after the latest checkpoint are protected by the key alone.
"""

import datetime as dt
import decimal
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
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


def payload(event: AuditEvent) -> dict:
    """What an event's hash covers: its fields and the previous event's hash."""
    return {
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


def compute_hash(event: AuditEvent) -> str:
    return hmac.new(chain_key(), json_text(payload(event)).encode("utf-8"), hashlib.sha256).hexdigest()


def chain_key() -> bytes:
    """The key of the chain: settings.AUDIT_CHAIN_KEY (from the environment, never in the database)."""
    return settings.AUDIT_CHAIN_KEY.encode("utf-8")


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
    checkpoints: int = 0

    def __str__(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.checked} events verified, {self.checkpoints} checkpoints matched."
        return (
            f"Audit chain BROKEN at seq {self.broken_seq}: {self.problem} ({self.checked} events before it verified)."
        )


def verify_chain(checkpoints: Path | None = None) -> ChainReport:
    """Recompute the chain from the first event, then compare it with the checkpoint file; report the first
    broken link."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(
                False, checked, expected_seq, f"events {expected_seq}..{event.seq - 1} are missing (deleted)"
            )
        if event.prev_hash != expected_prev:
            return ChainReport(False, checked, event.seq, "previous-hash link does not match the event before it")
        if not hmac.compare_digest(compute_hash(event), event.hash):
            return ChainReport(
                False, checked, event.seq, "content does not match its keyed hash (row changed or rehashed)"
            )
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != expected_prev:
        return ChainReport(
            False, checked, checked + 1, f"the chain head records seq {head_seq}: the latest events were deleted"
        )
    return _against_checkpoints(checked, checkpoints or checkpoint_file())


# ----- checkpoints: the head anchored outside the database ------------------------------------------------------


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _line_mac(seq: int, head_hash: str, at: str, previous_mac: str) -> str:
    message = f"{seq}|{head_hash}|{at}|{previous_mac}".encode()
    return hmac.new(chain_key(), message, hashlib.sha256).hexdigest()


def _read_checkpoints(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def write_checkpoint(path: Path | None = None) -> dict | None:
    """Append the current head to the checkpoint file (once per head: nothing new, nothing written)."""
    path = path or checkpoint_file()
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return None
    existing = _read_checkpoints(path)
    if existing and existing[-1]["seq"] == head.seq:
        return None
    previous = existing[-1]["mac"] if existing else GENESIS_HASH
    at = timezone.now().isoformat()
    line = {"seq": head.seq, "hash": head.hash, "at": at, "mac": _line_mac(head.seq, head.hash, at, previous)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as target:  # append-only: earlier lines are never rewritten
        target.write(json.dumps(line, sort_keys=True) + "\n")
        target.flush()
        os.fsync(target.fileno())
    return line


def _against_checkpoints(checked: int, path: Path) -> ChainReport:
    try:
        lines = _read_checkpoints(path)
    except (OSError, ValueError) as exc:
        return ChainReport(False, checked, None, f"the checkpoint file cannot be read: {exc}")
    previous, last_seq = GENESIS_HASH, 0
    if not all(isinstance(line, dict) for line in lines):
        return ChainReport(False, checked, None, "the checkpoint file holds a line that is not a checkpoint")
    hashes = dict(AuditEvent.objects.filter(seq__in=[line.get("seq") for line in lines]).values_list("seq", "hash"))
    for number, line in enumerate(lines, start=1):
        try:
            seq, head_hash, at, mac = line["seq"], line["hash"], line["at"], line["mac"]
        except (KeyError, TypeError):
            return ChainReport(False, checked, None, f"checkpoint line {number} is malformed")
        if not hmac.compare_digest(_line_mac(seq, head_hash, at, previous), mac) or seq < last_seq:
            return ChainReport(False, checked, None, f"checkpoint line {number} is not signed or out of order")
        if seq > checked:
            return ChainReport(
                False, checked, checked + 1, f"checkpoint {at} records seq {seq}: the later events were deleted"
            )
        if hashes.get(seq) != head_hash:
            return ChainReport(False, checked, seq, f"event {seq} differs from its checkpoint of {at} (rewritten)")
        previous, last_seq = mac, seq
    return ChainReport(True, checked, None, "", len(lines))
