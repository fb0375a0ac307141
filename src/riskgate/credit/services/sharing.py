"""Joint punishment and sharing (联合惩戒, R-CRD-1): what changes is appended to the share log in the transaction
that changes it; a partner agency with a sharing scope pulls a signed package of what came after its cursor
(credit.sharing builds and verifies packages; docs/credit-sharing-format.md)."""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import require
from riskgate.core.fastpath import bulk
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal

from .. import share_package as sharing
from ..models import ListEntry, ShareKind, ShareLog
from ..queries import sharing as queries

MAX_RECORDS = 10_000  # in one package; the next pull continues from its cursor


def _enterprise_fields(enterprise: Organisation) -> dict:
    return {"uscc": enterprise.uscc or "", "customs_code": enterprise.customs_code or "", "enterprise": enterprise.name}


def log_grades(changes: list[tuple[int, str, str]]) -> None:
    """Grade changes of (enterprise id, before, after) as they are shared — the grade only, never the internal
    score — appended in one statement (the nightly run's many)."""
    if not changes:
        return
    ids = {c[0] for c in changes}
    # Many changes (a first night): read every enterprise rather than name tens of thousands of ids in a statement.
    found = Organisation.objects.filter(pk__in=ids) if len(ids) <= 5000 else Organisation.objects.all()
    names = {
        pk: {"uscc": uscc or "", "customs_code": customs or "", "enterprise": name}
        for pk, uscc, customs, name in found.values_list("pk", "uscc", "customs_code", "name")
        if pk in ids
    }
    now = timezone.now()
    rows = [
        ShareLog(
            at=now,
            kind=ShareKind.GRADE,
            enterprise_id=pk,
            record={**names[pk], "grade_before": before, "grade_after": after},
        )
        for pk, before, after in changes
    ]
    bulk.insert_rows(rows, ShareLog)


def log_entry(entry: ListEntry) -> None:
    """A list entry published or removed, with what the portal shows of it."""
    ShareLog.objects.create(
        kind=ShareKind.LIST,
        enterprise=entry.enterprise,
        record={
            **_enterprise_fields(entry.enterprise),
            "list": entry.kind,
            "entry": entry.reference,
            "status": entry.status,
            "criterion": entry.criterion.code,
            "summary": entry.public_summary,
            "published_on": timezone.localdate(entry.published_at).isoformat() if entry.published_at else None,
            "expires_on": entry.expires_on.isoformat() if entry.expires_on else None,
            "removal": entry.removal_kind or None,
        },
    )


@lru_cache(maxsize=2)
def _key(seed: str):
    return sharing.private_key(seed.encode())


def signing_key():
    """The platform's Ed25519 signing key: from CREDIT_SHARING_KEY, else derived from SECRET_KEY."""
    seed = (
        getattr(settings, "CREDIT_SHARING_KEY", "")
        or hashlib.sha256(("riskgate-credit-sharing:" + settings.SECRET_KEY).encode()).hexdigest()
    )
    return _key(seed)


def public_key() -> dict:
    public = sharing.public_hex(signing_key())
    return {"algorithm": "Ed25519", "public_key": public, "key_id": sharing.key_id(public)}


def package(principal: Principal, *, after: int, limit: int = MAX_RECORDS) -> tuple[bytes, dict]:
    """The signed package of what the caller's scope shares after `after` (at most `limit` records) and its
    manifest's figures; audited as a disclosure. The same cursor gives the same bytes."""
    require(principal, Permission.CREDIT_SHARE_PULL)
    scope = queries.scope_of(principal)
    if scope is None:
        raise PermissionDenied
    rows = queries.shared_after(scope, after, min(max(limit, 1), MAX_RECORDS))
    records = [_columns(row) for row in rows]
    cursor = rows[-1].pk if rows else max(after, 0)
    data = sharing.build(records, after=after, cursor=cursor, key=signing_key())
    figures = {"after": after, "cursor": cursor, "count": len(records)}
    audit.record(
        actor=principal,
        action="credit_share.pulled",
        object_type="credit.sharelog",
        object_id=str(cursor),
        changes={**figures, "sha256": hashlib.sha256(data).hexdigest()},
        organisation_id=scope.organisation_id,
    )
    return data, figures


def _columns(row: ShareLog) -> dict:
    record = {column: None for column in sharing.COLUMNS}
    record.update(row.record)
    record.update({"cursor": row.pk, "at": row.at.isoformat(), "kind": row.kind})
    return record
