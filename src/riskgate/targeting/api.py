"""The screening API for the single window: one declaration (all its items) or a batch, answered per item with
the matched rule versions and the action (docs/screening-format.md). Callers hold targeting:declaration:screen."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from riskgate.core.access import MAX_ID, named, named_all, pk_or_404
from riskgate.core.api_support import Pagination, filtered, require_caller
from riskgate.core.permissions import Permission

from . import queries, services
from .models import ControlRule, RuleStatus, TaskStatus
from .services import inspection, screening, supervision

router = Router(tags=["port control"])

ITEMS = "declaration items in the exchange format (docs/screening-format.md); checked strictly, never coerced"

# The shapes of the exchange format, for the OpenAPI document (the server checks them itself, strictly, with
# messages naming the field: targeting.engine.exchange).
_TEXT = {"type": "string", "minLength": 1}
_HS = {"type": "string", "pattern": "^[0-9]{2,10}$"}
_COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}
_MOMENT = {"type": "string", "format": "date-time", "description": "ISO 8601 with its offset"}
ITEM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["declaration_id", "item_no", "direction", "hs_code", "origin_country", "port", "value", "declared_at"],
    "properties": {
        "declaration_id": {**_TEXT, "maxLength": 64},
        "item_no": {"type": "integer", "minimum": 1},
        "direction": {"type": "string", "enum": ["import", "export"]},
        "hs_code": {"type": "string", "pattern": "^[0-9]{4,10}$"},
        "origin_country": _COUNTRY,
        "enterprise_ids": {"type": "array", "items": {**_TEXT, "maxLength": 100}},
        "port": {**_TEXT, "maxLength": 64},
        "description": {"type": "string", "maxLength": 2000},
        "value": {"type": "number", "minimum": 0},
        "declared_at": _MOMENT,
        "certificates": {
            "type": "array",
            "maxItems": 10,
            "description": "references the legal-inspection catalogue asks for (docs/screening-format.md)",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "number"],
                "properties": {
                    "kind": {"type": "string", "enum": ["inspection", "ccc"]},
                    "number": {"type": "string", "maxLength": 40},
                },
            },
        },
    },
}
CRITERIA_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "direction": {"type": "string", "enum": ["import", "export", "any"]},
        "hs_prefixes": {"type": "array", "items": _HS},
        "origin_countries": {"type": "array", "items": _COUNTRY},
        "enterprise_ids": {"type": "array", "items": {**_TEXT, "maxLength": 100}},
        "ports": {"type": "array", "items": {**_TEXT, "maxLength": 100}},
        "keywords": {"type": "array", "items": {**_TEXT, "maxLength": 100}},
        "min_value": {"type": "number"},
        "max_value": {"type": "number"},
        "valid_from": _MOMENT,
        "valid_to": _MOMENT,
        "action": {"type": "string", "enum": ["reject", "hold", "inspect", "sample", "document_check"]},
        "sampling_rate": {"type": "number", "minimum": 0, "maximum": 1},
    },
}


class DeclarationIn(Schema):
    items: list[dict] = Field(
        ...,
        min_length=1,
        max_length=screening.MAX_DECLARATION_ITEMS,
        description=ITEMS,
        json_schema_extra={"items": ITEM_SCHEMA},
    )


class BatchIn(Schema):
    items: list[dict] = Field(
        ...,
        min_length=1,
        max_length=screening.MAX_BATCH_ITEMS,
        description=ITEMS,
        json_schema_extra={"items": ITEM_SCHEMA},
    )


class ResultOut(Schema):
    declaration_id: str
    item_no: int
    matched_rules: list[str | int] = Field(..., description="references of the matched rule versions, sorted")
    action: str = Field(..., description="reject, hold, inspect, sample, document_check or release")
    random: bool = Field(False, description="selected at random by the differential-supervision policy")


class ScreeningOut(Schema):
    rule_set_version: int = Field(..., description="the version of the active rules that decided")
    results: list[ResultOut]


@router.post("/screening/declarations", response=ScreeningOut, summary="Screen one declaration")
def screen_declaration(request, payload: DeclarationIn):
    results, version = screening.screen(request.auth, payload.items, one_declaration=True)
    return {"rule_set_version": version, "results": results}


@router.post("/screening/batches", response=ScreeningOut, summary="Screen many declarations' items")
def screen_batch(request, payload: BatchIn):
    results, version = screening.screen(request.auth, payload.items, one_declaration=False)
    return {"rule_set_version": version, "results": results}


# ---- Control rules -------------------------------------------------------------------------------------------

CRITERIA_DOC = "criteria in the exchange format (docs/screening-format.md), without the id"


class Figures(Schema):
    hits: int
    inspections: int
    nonconformities: int
    hit_rate: float | None


class RetroOut(Schema):
    status: str
    matches: int
    tasks_opened: int
    history_until: dt.datetime | None
    seconds: float | None


class RuleOut(Schema):
    id: int
    reference: str
    version: int
    status: str
    criteria: dict = Field(..., description=CRITERIA_DOC)
    warning_id: int | None
    organisation_id: int
    executing_ids: list[int]
    reason: str
    created_at: dt.datetime
    ended_at: dt.datetime | None
    effectiveness: Figures | None = Field(None, description="this version's hits, inspections, non-conformities")
    retro: RetroOut | None = None

    @staticmethod
    def resolve_criteria(rule):
        data = rule.to_exchange()
        data.pop("id")
        return data

    @staticmethod
    def resolve_executing_ids(rule):
        return [org.pk for org in rule.executing.all()]

    @staticmethod
    def resolve_retro(rule):
        return getattr(rule, "retro", None)


class RuleFilter(Schema):
    status: RuleStatus | None = None
    warning_id: int | None = Field(None, ge=1, le=MAX_ID)


class IssueIn(Schema):
    criteria: dict = Field(..., description=CRITERIA_DOC, json_schema_extra=CRITERIA_SCHEMA)
    warning_id: int | None = Field(None, ge=1, le=MAX_ID, description="the agency notice the rule comes from")
    executing_ids: list[int] = Field([], max_length=100, description="organisations that execute the rule")
    reason: str = Field("", max_length=2000)


class ChangeIn(Schema):
    criteria: dict = Field(
        ..., description="the criteria that change (the others are carried over)", json_schema_extra=CRITERIA_SCHEMA
    )
    reason: str = Field(..., min_length=1, max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


def _rules(request):
    require_caller(request, Permission.TARGETING_RULE_VIEW)
    return queries.rules(request.auth).prefetch_related("executing").select_related("retro")


def _rule_out(rule: ControlRule) -> ControlRule:
    rule.effectiveness = inspection.effectiveness([rule]).get(rule.pk)
    return rule


@router.get("/control-rules", response=list[RuleOut], summary="Control rules in the caller's jurisdiction")
@paginate(Pagination, page_size=50)
def list_rules(request, filters: Query[RuleFilter]):
    return filtered(_rules(request), filters)


@router.get("/control-rules/{int:rule_id}", response=RuleOut, summary="One control rule version")
def get_rule(request, rule_id: int):
    return _rule_out(pk_or_404(_rules(request), rule_id))


@router.post("/control-rules", response={201: RuleOut}, summary="Issue a control rule")
def issue_rule(request, payload: IssueIn):
    require_caller(request, Permission.TARGETING_RULE_MANAGE)
    rule = services.issue(
        request.auth,
        payload.criteria,
        warning=named(queries.bases(request.auth), payload.warning_id, "warning_id"),
        executing=named_all(queries.units(request.auth), payload.executing_ids, "executing_ids"),
        reason=payload.reason,
    )
    return HttpStatus(201, _rule_out(rule))


@router.post("/control-rules/{int:rule_id}/change", response={201: RuleOut}, summary="Change a rule (new version)")
def change_rule(request, rule_id: int, payload: ChangeIn):
    require_caller(request, Permission.TARGETING_RULE_MANAGE)
    rule = pk_or_404(_rules(request), rule_id)
    return HttpStatus(201, _rule_out(services.change(request.auth, rule, payload.criteria, reason=payload.reason)))


@router.post("/control-rules/{int:rule_id}/retire", response=RuleOut, summary="Retire a rule")
def retire_rule(request, rule_id: int, payload: ReasonIn):
    require_caller(request, Permission.TARGETING_RULE_MANAGE)
    rule = pk_or_404(_rules(request), rule_id)
    return _rule_out(services.retire(request.auth, rule, reason=payload.reason))


# ---- Inspection tasks ----------------------------------------------------------------------------------------


class LabResultIO(Schema):
    institution: str | None = Field(
        None,
        max_length=64,
        description="the testing institution's code (a registered laboratory); none: the port's own test",
    )
    test_item: str = Field(..., min_length=1, max_length=200)
    result: str = Field(..., min_length=1, max_length=100)
    unit: str = Field("", max_length=40)
    limit: str = Field("", max_length=200)
    conforms: bool


class TaskOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    action: str
    declaration_id: str
    item_no: int
    item: dict
    rules: list[str] = Field(..., description="the rule versions whose hit opened the task")
    found_by: str | None = Field(None, description="the rule whose retro-screening opened the follow-up")
    organisation_id: int
    outcome: str
    findings: str
    lab_results: list[LabResultIO]
    information_id: int | None = Field(None, description="risk information created from a non-conformity")
    created_at: dt.datetime
    completed_at: dt.datetime | None

    @staticmethod
    def resolve_rules(task):
        return [rule.reference for rule in task.rules.all()]

    @staticmethod
    def resolve_found_by(task):
        return task.found_by.reference if task.found_by_id else None

    @staticmethod
    def resolve_lab_results(task):
        return [
            {
                "institution": r.institution.code if r.institution_id else None,
                "test_item": r.test_item,
                "result": r.result,
                "unit": r.unit,
                "limit": r.limit,
                "conforms": r.conforms,
            }
            for r in task.lab_results.select_related("institution")
        ]


class TaskFilter(Schema):
    status: TaskStatus | None = None
    kind: str | None = Field(None, pattern="^(screening|random|retro)$")


class OutcomeIn(Schema):
    outcome: str = Field(..., pattern="^(conforming|non_conforming)$")
    findings: str = Field("", max_length=5000)
    lab_results: list[LabResultIO] = Field([], max_length=inspection.MAX_LAB_RESULTS)


def _tasks(request):
    return queries.tasks(request.auth).select_related("found_by").prefetch_related("rules", "lab_results")


@router.get("/inspection-tasks", response=list[TaskOut], summary="Inspection tasks of the caller's jurisdiction")
@paginate(Pagination, page_size=50)
def list_tasks(request, filters: Query[TaskFilter]):
    return filtered(_tasks(request), filters)


@router.get("/inspection-tasks/{int:task_id}", response=TaskOut, summary="One inspection task")
def get_task(request, task_id: int):
    return pk_or_404(_tasks(request), task_id)


@router.post("/inspection-tasks/{int:task_id}/outcome", response=TaskOut, summary="Record an inspection's outcome")
def record_outcome(request, task_id: int, payload: OutcomeIn):
    require_caller(request, Permission.TARGETING_TASK_RECORD)
    task = pk_or_404(_tasks(request), task_id)
    inspection.record_outcome(
        request.auth,
        task,
        outcome=payload.outcome,
        findings=payload.findings,
        lab_results=[row.dict() for row in payload.lab_results],
    )
    return pk_or_404(_tasks(request), task_id)


# ---- Differential supervision --------------------------------------------------------------------------------


class PolicyOut(Schema):
    reference: str
    grade_factors: dict[str, float]
    default_grade: str
    commodity_factors: dict[str, float]
    record_tiers: list[list[float]]
    record_window_days: int
    record_min_inspections: int
    random_rate: float
    min_random_rate: float
    random_action: str
    reason: str
    created_at: dt.datetime


class PolicyIn(Schema):
    changes: dict = Field(
        ...,
        description="the policy's fields that change",
        json_schema_extra={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "grade_factors": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
                "default_grade": {"type": "string"},
                "commodity_factors": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
                "record_tiers": {"type": "array"},
                "record_window_days": {"type": "integer", "minimum": 1},
                "record_min_inspections": {"type": "integer", "minimum": 0},
                "random_rate": {"type": "number", "minimum": 0, "maximum": 1},
                "min_random_rate": {"type": "number", "minimum": 0, "maximum": 1},
                "random_action": {"type": "string", "enum": ["reject", "hold", "inspect", "sample", "document_check"]},
            },
        },
    )
    reason: str = Field(..., min_length=1, max_length=2000)


class GradeIn(Schema):
    grade: str = Field(..., pattern="^(advanced|regular|dishonest)$")
    reason: str = Field(..., min_length=1, max_length=2000)


class GradeOut(Schema):
    id: int
    name: str
    credit_grade: str
    override_id: int
    override_status: str


@router.get("/supervision-policy", response=PolicyOut, summary="The differential-supervision policy in force")
def get_policy(request):
    require_caller(request, Permission.TARGETING_RULE_VIEW)
    policy = supervision.current_policy()
    if policy is None:
        raise Http404
    return policy


@router.post("/supervision-policy", response={201: PolicyOut}, summary="Change the policy (a new version)")
def change_policy(request, payload: PolicyIn):
    require_caller(request, Permission.TARGETING_POLICY_MANAGE)
    return HttpStatus(201, supervision.change_policy(request.auth, payload.changes, reason=payload.reason))


@router.post(
    "/enterprises/{int:organisation_id}/credit-grade",
    response={202: GradeOut},
    summary="Propose a manual credit grade (in force once a second officer approves it)",
)
def set_grade(request, organisation_id: int, payload: GradeIn):
    require_caller(request, Permission.CREDIT_RECORD_MANAGE)
    enterprise = pk_or_404(queries.enterprises(request.auth), organisation_id)
    override = supervision.propose_credit_grade(request.auth, enterprise, payload.grade, reason=payload.reason)
    return HttpStatus(
        202,
        {
            "id": enterprise.pk,
            "name": enterprise.name,
            "credit_grade": queries.grade_of(enterprise),
            "override_id": override.pk,
            "override_status": override.status,
        },
    )


@router.get(
    "/screening/decisions/{int:decision_id}/explanation",
    response=dict,
    summary="A stored screening decision taken apart and reproduced",
)
def explain_decision(request, decision_id: int):
    require_caller(request, Permission.TARGETING_RULE_VIEW)
    decision = pk_or_404(queries.decisions(request.auth).select_related("policy"), decision_id)
    return screening.explain(decision)
