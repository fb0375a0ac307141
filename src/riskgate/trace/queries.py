"""Reads of traceability: events and captures in the reader's scope (authorities: their jurisdiction's
enterprises; an enterprise: its own), a product's or batch's chain with what concerns it, and the public trace
view — which says only where the product comes from, which official inspections it passed and which public
warnings and recalls cover it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from riskgate.core.access import require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.response.models import Recall
from riskgate.response.queries import recalls as recall_queries
from riskgate.targeting.models import InspectionTask, Outcome, ScreeningDecision, TaskStatus
from riskgate.warnings.models import Status as WarningStatus
from riskgate.warnings.models import WarningNotice
from riskgate.warnings.queries import public_warnings

from . import epcis
from .models import Capture, Role, Stage, TraceEvent, TraceIdentifier

MAX_CHAIN = 1000  # events of one chain shown (a batch's whole life has far fewer)
MAX_CONTAINERS = 50  # pallets and containers followed from one item


def events(principal: Principal) -> QuerySet[TraceEvent]:
    require(principal, Permission.TRACE_EVENT_VIEW)
    return TraceEvent.objects.visible_to(principal)


def captures(principal: Principal) -> QuerySet[Capture]:
    """Captures in the reader's scope; a capturing system (a token that only captures) reads its own jobs."""
    rows = Capture.objects.select_related("organisation", "captured_by", "token")
    if principal.has_permission(Permission.TRACE_EVENT_VIEW):
        return rows.filter(pk__in=Capture.objects.visible_to(principal).values("pk"))
    require(principal, Permission.TRACE_EVENT_CAPTURE)
    return rows.filter(organisation=principal.organisation)


def capture_or_none(principal: Principal, pk: int) -> Capture | None:
    return captures(principal).filter(pk=pk).first()


def captured_event_ids(capture: Capture) -> list[str]:
    """The eventIDs a capture stored (the caller has read the capture itself)."""
    return list(TraceEvent.objects.filter(capture=capture).order_by("id").values_list("event_id", flat=True))


def event_by_id(principal: Principal, event_id: str) -> TraceEvent | None:
    return events(principal).filter(event_id=event_id).first()


def chain_event_ids(gtin: str, item: str) -> list[int]:
    """The events of a trade item (its GTIN and lot or serial) and of the containers it was packed in while it was
    in them: four indexed reads, whatever the number of events stored."""
    direct = list(TraceIdentifier.objects.filter(gtin=gtin, item=item).values_list("event_id", flat=True)[:MAX_CHAIN])
    if not direct:
        return []
    packed_in = TraceIdentifier.objects.filter(event_id__in=direct, role=Role.CHILD).values_list("event_id", flat=True)
    containers = list(
        TraceIdentifier.objects.filter(event_id__in=list(packed_in[:MAX_CONTAINERS]), role=Role.PARENT)
        .exclude(epc="")
        .values_list("epc", flat=True)
        .distinct()[:MAX_CONTAINERS]
    )
    more = (
        TraceIdentifier.objects.filter(epc__in=containers).values_list("event_id", flat=True)[:MAX_CHAIN]
        if containers
        else []
    )
    return sorted(set(direct) | set(more))[:MAX_CHAIN]


@dataclass
class Chain:
    gtin: str
    item: str
    events: list[TraceEvent]
    declarations: list[str] = field(default_factory=list)
    decisions: list[ScreeningDecision] = field(default_factory=list)
    inspections: list[InspectionTask] = field(default_factory=list)
    warnings: list[WarningNotice] = field(default_factory=list)
    recalls: list[Recall] = field(default_factory=list)

    @property
    def stages(self) -> list[dict]:
        """The life-cycle stages in the order the product went through them, each with its events."""
        order = list(Stage.values)
        grouped: dict[str, list[TraceEvent]] = {}
        for event in self.events:
            grouped.setdefault(event.stage, []).append(event)
        return [
            {"stage": stage, "label": Stage(stage).label, "events": grouped[stage]}
            for stage in sorted(grouped, key=lambda s: (grouped[s][0].event_time, order.index(s)))
        ]


def _declarations(rows) -> list[str]:
    found = []
    for row in rows:
        for number in filter(None, (row.declarations or "").split("|")):
            if number not in found:
                found.append(number)
    return found


def covering_warnings(gtin: str, item: str, candidates: QuerySet[WarningNotice]) -> list[WarningNotice]:
    """The warnings among the candidates whose scope names the GTIN and either no batch or this one."""
    found = []
    for notice in candidates.exclude(gtins=[]):
        codes = {epcis.gtin14(str(code).strip()) for code in notice.gtins or () if str(code).strip().isdigit()}
        batches = {str(b).strip() for b in notice.batches or () if str(b).strip()}
        if gtin in codes and (not batches or item in batches):
            found.append(notice)
    return found


def _in_force(candidates: QuerySet[WarningNotice]) -> QuerySet[WarningNotice]:
    now = timezone.now()
    return candidates.filter(current=True, status=WarningStatus.PUBLISHED).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def chain(principal: Principal, gtin: str, item: str) -> Chain:
    """A trade item's chain as the principal may read it: its events in time order, the customs declarations they
    name with their screening decisions and inspections, and the warnings and recalls that cover it."""
    ids = chain_event_ids(gtin, item)
    rows = list(events(principal).filter(pk__in=ids).select_related("organisation").order_by("event_time", "id"))
    numbers = _declarations(rows)
    result = Chain(gtin, item, rows, numbers)
    if numbers and principal.has_permission(Permission.TARGETING_TASK_VIEW):
        result.decisions = list(ScreeningDecision.objects.visible_to(principal).filter(declaration_id__in=numbers))
        result.inspections = list(InspectionTask.objects.visible_to(principal).filter(declaration_id__in=numbers))
    candidates = WarningNotice.objects.filter(public=True)
    if principal.has_permission(Permission.WARNING_VIEW):
        candidates = WarningNotice.objects.visible_to(principal) | candidates
    result.warnings = covering_warnings(gtin, item, _in_force(candidates))
    if result.warnings:
        lineages = [w.lineage_id for w in result.warnings]
        try:
            readable = recall_queries.visible(principal)
        except PermissionDenied:
            readable = Recall.objects.none()
        readable = readable | Recall.objects.filter(public=True)
        result.recalls = list(readable.filter(warning__lineage_id__in=lineages).distinct().order_by("-started_on"))
    return result


@dataclass
class PublicTrace:
    gtin: str
    item: str
    found: bool
    origin_country: str = ""
    produced_on: dt.date | None = None
    stages: list[dict] = field(default_factory=list)
    inspections: list[dict] = field(default_factory=list)
    warnings: list[WarningNotice] = field(default_factory=list)
    recalls: list[Recall] = field(default_factory=list)


def _origin(rows: list[TraceEvent]) -> str:
    """The country of origin the producer declared (CBV master data in the event's ilmd), if any."""
    for row in rows:
        ilmd = row.body.get("ilmd") if isinstance(row.body, dict) else None
        if isinstance(ilmd, dict):
            for key, value in ilmd.items():
                if key.split(":")[-1] == "countryOfOrigin" and isinstance(value, str) and len(value) == 2:
                    return value.upper()
    return ""


def public_trace(gtin: str, item: str) -> PublicTrace:
    """What anyone may know of a trade item: where it comes from, the life-cycle stages recorded (when, not where
    or by whom), the official inspections it passed, and the public warnings and recalls in force that cover it."""
    rows = list(TraceEvent.objects.filter(pk__in=chain_event_ids(gtin, item)).order_by("event_time", "id"))
    result = PublicTrace(gtin, item, found=bool(rows))
    if rows:
        result.origin_country = _origin(rows)
        produced = [r for r in rows if r.stage == Stage.PRODUCTION]
        result.produced_on = (produced or rows)[0].event_time.date()
        first: dict[str, dt.date] = {}
        for row in rows:
            first.setdefault(row.stage, row.event_time.date())
        result.stages = [{"stage": s, "label": Stage(s).label, "on": on} for s, on in first.items() if s != Stage.OTHER]
        numbers = _declarations(rows)
        if numbers:
            passed = (
                InspectionTask.objects.filter(
                    declaration_id__in=numbers, status=TaskStatus.DONE, outcome=Outcome.CONFORMING
                )
                .order_by("completed_at")
                .values_list("completed_at", flat=True)
            )
            result.inspections = [{"on": moment.date()} for moment in passed if moment]
    result.warnings = covering_warnings(gtin, item, _in_force(public_warnings()))
    if result.warnings:
        lineages = [w.lineage_id for w in result.warnings]
        result.recalls = list(
            recall_queries.public_recalls().filter(warning__lineage_id__in=lineages).order_by("-started_on")
        )
    return result


def event_query(principal: Principal, params: dict) -> QuerySet[TraceEvent]:
    """The EPCIS 2.0 simple event query's common parameters on the principal's events."""
    rows = events(principal)
    if params.get("eventType"):
        rows = rows.filter(event_type__in=params["eventType"])
    if params.get("GE_eventTime"):
        rows = rows.filter(event_time__gte=params["GE_eventTime"])
    if params.get("LT_eventTime"):
        rows = rows.filter(event_time__lt=params["LT_eventTime"])
    if params.get("EQ_bizStep"):
        rows = rows.filter(biz_step__in=[epcis.term(s) for s in params["EQ_bizStep"]])
    if params.get("EQ_disposition"):
        rows = rows.filter(disposition__in=[epcis.term(s) for s in params["EQ_disposition"]])
    if params.get("EQ_bizLocation"):
        rows = rows.filter(biz_location__in=params["EQ_bizLocation"])
    if params.get("MATCH_anyEPC"):
        keys = Q()
        for value in params["MATCH_anyEPC"]:
            found = epcis.identify(value)
            keys |= Q(gtin=found.gtin, item=found.item) if found.gtin and found.item else Q(epc=value)
        rows = rows.filter(pk__in=TraceIdentifier.objects.filter(keys).values("event_id"))
    return rows.order_by("event_time", "id")
