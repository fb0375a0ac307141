"""The public JSON API of warnings (versioned with the rest of /api/v1): published public warnings only, with
their public fields, filterable and paginated; no sign-in."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from riskgate.core.access import MAX_ID
from riskgate.core.api_support import Pagination
from riskgate.core.vocabulary import WarningLevel

from . import portal_index, queries
from .models import WarningKind
from .schemas import PublicWarningOut

router = Router(tags=["warnings (public)"])


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
