"""API of organisations and the signed-in principal."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from riskgate.core import audit
from riskgate.core.access import named
from riskgate.core.api_support import Pagination, require_caller
from riskgate.core.permissions import Permission
from riskgate.core.principal import is_token

from . import queries, services
from .models import EnterpriseType, OrganisationKind

router = Router(tags=["organisations"])


class MeOut(Schema):
    name: str
    kind: str
    organisation_id: int | None
    organisation: str | None
    role: str | None
    scope: str
    permissions: list[str]


@router.get("/me", response=MeOut, summary="Who the caller is, and what it may do")
def me(request):
    p = request.auth
    token = is_token(p)
    return {
        "name": p.audit_repr if token else p.get_username(),
        "kind": "api_token" if token else "user",
        "organisation_id": p.organisation_id,
        "organisation": str(p.organisation) if p.organisation else None,
        "role": None if token or not p.role_id else p.role.code,
        "scope": str(p.scope_mode),
        "permissions": sorted(p.permission_codes),
    }


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    name_en: str
    code: str
    parent_id: int | None
    region_code: str | None = Field(None, alias="region_id")
    agency_type: str
    enterprise_types: list[str]
    uscc: str | None
    customs_code: str | None
    is_active: bool


class OrganisationFilter(Schema):
    kind: OrganisationKind | None = None
    q: str | None = Field(None, max_length=100)


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations in the caller's jurisdiction")
@paginate(Pagination, page_size=50)
def list_organisations(request, filters: Query[OrganisationFilter]):
    require_caller(request, Permission.ORG_ORGANISATION_VIEW)
    return queries.organisations(request.auth, kind=filters.kind, q=filters.q)


@router.get("/organisations/{int:org_id}", response=OrganisationOut, summary="One organisation")
def get_organisation(request, org_id: int):
    require_caller(request, Permission.ORG_ORGANISATION_VIEW)
    org = queries.organisation_or_404(request.auth, org_id)
    if org.kind == OrganisationKind.ENTERPRISE:
        audit.record_read(actor=request.auth, obj=org)
    return org


class EnterpriseIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    code: str = Field(..., pattern=r"^[-a-zA-Z0-9_]{1,40}$")
    uscc: str = Field(..., max_length=40, description="统一社会信用代码 (GB 32100), checked by the model validator")
    customs_code: str | None = Field(None, max_length=10)
    enterprise_types: list[EnterpriseType] = []
    parent_id: int
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    address: str = Field("", max_length=300)


@router.post("/organisations/enterprises", response={201: OrganisationOut}, summary="Register an enterprise")
def create_enterprise(request, payload: EnterpriseIn):
    require_caller(request, Permission.ORG_ENTERPRISE_CREATE)
    parent = named(queries.parents(request.auth), payload.parent_id, "parent_id")
    region = queries.region(payload.region_code) if payload.region_code else None
    if payload.region_code and region is None:
        raise ValidationError({"region_code": [_("未知的行政区划代码。")]})
    data = payload.dict(exclude={"parent_id", "region_code"})
    data["enterprise_types"] = [str(t) for t in payload.enterprise_types]
    org = services.create_enterprise(request.auth, data={**data, "parent": parent, "region": region})
    return Status(201, org)
