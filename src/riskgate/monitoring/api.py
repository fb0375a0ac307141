"""API of monitoring records (R-MON-2): a monitoring point's or laboratory's system submits one record per sample
(idempotent by the submitting unit's sample number: 201 when stored, 200 when the same record was stored before)
and reads its own records; authorities read their jurisdiction's, enterprises the approved ones that concern them."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from riskgate.core.access import MAX_ID, named, pk_or_404
from riskgate.core.api_support import Pagination, require_caller
from riskgate.core.permissions import Permission

from . import services
from .models import LimitKind, SampleStatus
from .queries import programme as queries

router = Router(tags=["monitoring"])


class ResultIn(Schema):
    item: str = Field(..., min_length=1, max_length=200, description="test item, e.g. 'Chloramphenicol'")
    value: Decimal = Field(..., max_digits=20, decimal_places=6)
    unit: str = Field("", max_length=30)
    limit: Decimal = Field(..., max_digits=20, decimal_places=6)
    limit_kind: LimitKind = Field(LimitKind.MAXIMUM, description="max: not above the limit; min: not below")


class SampleIn(Schema):
    sample_number: str = Field(..., min_length=1, max_length=60, description="the unit's own number (idempotency)")
    task_id: int | None = Field(None, ge=1, le=MAX_ID, description="the sampling task (laboratories: required)")
    product_name: str = Field(..., min_length=1, max_length=300)
    hs_code: str = Field("", max_length=10, pattern=r"^(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})?$")
    product_category: str = Field("", max_length=200)
    origin_country: str = Field("", max_length=2, pattern=r"^([A-Za-z]{2})?$")
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID, description="a registered enterprise")
    enterprise_name: str = Field("", max_length=200)
    sampled_on: dt.date
    place: str = Field("", max_length=200)
    results: list[ResultIn] = Field(..., min_length=1, max_length=50)


class ResultOut(Schema):
    item: str
    value: str = Field(..., alias="value_text")
    unit: str
    limit: str = Field(..., alias="limit_text")
    limit_kind: str
    passed: bool


class SampleOut(Schema):
    id: int
    reference: str
    sample_number: str
    task_id: int | None
    product_name: str
    hs_code: str
    product_category: str
    origin_country: str
    enterprise_id: int | None
    enterprise_name: str
    sampled_on: dt.date
    place: str
    organisation_id: int
    laboratory_id: int | None
    passed: bool
    status: str
    information_id: int | None = Field(None, description="the risk information a non-conforming record became")
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.all())


class SampleFilter(Schema):
    status: SampleStatus | None = None
    passed: bool | None = None
    task: int | None = Field(None, ge=1, le=MAX_ID)


@router.post(
    "/monitoring/samples",
    response={201: SampleOut, 200: SampleOut},
    summary="Submit a monitoring record (idempotent by sample number)",
)
def submit_sample(request, payload: SampleIn):
    require_caller(request, Permission.MONITORING_SAMPLE_SUBMIT)
    data = payload.dict()
    task = named(queries.own_tasks(request.auth), data.pop("task_id"), "task_id")
    enterprise = named(queries.enterprises(request.auth), data.pop("enterprise_id"), "enterprise_id")
    results = [{**r, "limit_kind": str(r["limit_kind"])} for r in data.pop("results")]
    sample, created = services.samples.submit(
        request.auth, data=data, results=results, task=task, enterprise=enterprise
    )
    return HttpStatus(201 if created else 200, sample)


@router.get("/monitoring/samples", response=list[SampleOut], summary="Monitoring records the caller may read")
@paginate(Pagination)
def list_samples(request, filters: Query[SampleFilter]):
    items = queries.samples(request.auth).prefetch_related("results").order_by("-pk")
    if filters.status:
        items = items.filter(status=str(filters.status))
    if filters.passed is not None:
        items = items.filter(passed=filters.passed)
    if filters.task:
        items = items.filter(task_id=filters.task)
    return items


@router.get("/monitoring/samples/{int:sample_id}", response=SampleOut, summary="One monitoring record")
def get_sample(request, sample_id: int):
    return pk_or_404(queries.samples(request.auth).prefetch_related("results"), sample_id)
