"""API of the core: the audit trail and reference data."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from . import audit, queries
from .api_support import Pagination, require_caller
from .permissions import Permission

router = Router(tags=["core"])


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None = Field(None, alias="parent_id")


class RegionFilter(Schema):
    level: str | None = None
    parent: str | None = Field(None, pattern=r"^\d{6}$")


@router.get("/regions", response=list[RegionOut], auth=None, summary="Administrative regions (GB/T 2260), public")
@paginate(Pagination, page_size=100)
def list_regions(request, filters: Query[RegionFilter]):
    regions = queries.regions()
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    return regions


class AuditEventOut(Schema):
    seq: int
    at: dt.datetime
    actor: str = Field(alias="actor_repr")
    organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    ip: str | None
    reason: str
    hash: str


class AuditFilter(Schema):
    actor: str | None = Field(None, max_length=150)
    action: str | None = Field(None, max_length=64)
    object_type: str | None = Field(None, max_length=64)
    object_id: str | None = Field(None, max_length=64)
    since: dt.date | None = None
    until: dt.date | None = None


@router.get("/audit/events", response=list[AuditEventOut], summary="Audit trail within the auditor's jurisdiction")
@paginate(Pagination, page_size=50)
def list_audit_events(request, filters: Query[AuditFilter]):
    require_caller(request, Permission.AUDIT_EVENT_VIEW)
    audit.record(
        actor=request.auth,
        action="audit.viewed",
        object_type="core.auditevent",
        changes=audit.facts(filter=filters.dict()),
    )
    return queries.audit_events(request.auth, **filters.dict())
