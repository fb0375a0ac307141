"""The public JSON API of warnings (versioned with the rest of /api/v1): published public warnings only, with
their public fields, filterable and paginated; no sign-in."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from riskgate.assessment.grading import LEVEL_COLOURS, WarningLevel
from riskgate.core.api_support import MAX_ID, Pagination

from . import portal_index, queries
from .models import WarningKind

router = Router(tags=["warnings (public)"])


class PublicWarningOut(Schema):
    """What the public may read of a warning version; nothing internal (drafters, approvers, the assessment,
    reasons for an emergency issue) is ever part of it."""

    id: int = Field(..., alias="lineage_id", description="the warning's number (its first version's id)")
    reference: str
    version: int
    change: str = Field(..., description="new, adjusted or lifted")
    status: str = Field(..., description="published, superseded or lifted")
    level: str
    colour: str
    kinds: list[str]
    title: str
    title_en: str
    summary: str
    summary_en: str
    items: str
    measures: str
    audience: str
    change_reason: str
    hazard_type: str
    product_category: str
    hs_codes: list[str]
    brands: list[str]
    product_models: list[str]
    batches: list[str]
    gtins: list[str]
    origin_countries: list[str]
    regions: list[str]
    issuer: str = Field(..., alias="organisation.name")
    published_at: dt.datetime
    starts_at: dt.datetime | None
    valid_until: dt.datetime | None
    cap_url: str

    @staticmethod
    def resolve_colour(notice):
        return LEVEL_COLOURS[WarningLevel(notice.level)]

    @staticmethod
    def resolve_cap_url(notice):
        return f"/warnings/{notice.lineage_id}/v{notice.version}/cap.xml"


class PublicFilter(Schema):
    q: str | None = Field(None, max_length=200)
    level: WarningLevel | None = None
    kind: WarningKind | None = None
    state: str | None = Field(None, pattern="^(active|adjusted|lifted)$")
    category: str | None = Field(None, max_length=100)
    hs_chapter: str | None = Field(None, pattern=r"^\d{2,6}$")
    origin: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    region: str | None = Field(None, pattern=r"^\d{6}$")
    since: dt.date | None = None
    until: dt.date | None = None


@router.get("/public/warnings", response=list[PublicWarningOut], auth=None, summary="Published warnings, public")
@paginate(Pagination, page_size=50)
def list_warnings(request, filters: Query[PublicFilter]):
    criteria = {k: (str(v) if hasattr(v, "value") else v) for k, v in filters.dict().items() if v not in (None, "")}
    return portal_index.search(criteria)


@router.get(
    "/public/warnings/{int:warning_id}",
    response=list[PublicWarningOut],
    auth=None,
    summary="Every published version of one warning, oldest first, public",
)
def get_warning(request, warning_id: int):
    if not 0 < warning_id <= MAX_ID:  # not an id (and too large for SQLite's integers)
        raise Http404
    versions = list(queries.public_versions(warning_id))
    if not versions:
        raise Http404
    return versions
