"""A risk's whole chain (issue 26 item 8): from any item, case, assessment, warning, measure or recall, everything
linked to it — the information and its case, every assessment version, every warning version, the control rules
issued with their hits and the non-conformities found, the rapid-response measures, the obligations, the
recalls — as one timeline. The links are followed across the apps; each entry is shown only to a viewer who may
read it (through that app's own scoped reads), and linked at the page the viewer may open.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riskgate.assessment import queries as assessment_queries
from riskgate.assessment.models import Assessment
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.templatetags.riskgate import local_field, local_name
from riskgate.intake import linking
from riskgate.intake.models import RiskCase, RiskInformation
from riskgate.response.models import MeasureOrder, Obligation, Recall
from riskgate.response.queries import measures as measure_queries
from riskgate.response.queries import obligations as obligation_queries
from riskgate.response.queries import recalls as recall_queries
from riskgate.targeting import queries as targeting_queries
from riskgate.targeting.models import ControlRule, InspectionTask, Outcome
from riskgate.warnings import queries as warning_queries
from riskgate.warnings.models import WarningNotice

KINDS = {
    "information": _("风险信息"),
    "case": _("风险案件"),
    "assessment": _("风险研判"),
    "warning": _("风险预警"),
    "rule": _("布控规则"),
    "task": _("查验不合格"),
    "measure": _("快速反应措施"),
    "obligation": _("消减义务"),
    "recall": _("缺陷召回"),
}
ROUNDS = 6  # links are followed this many steps out from the start (a chain is a few steps long)
FOUND_SHOWN = 50  # non-conformities found by the chain's rules, listed individually


@dataclass
class Entry:
    kind: str
    at: dt.datetime | None
    reference: str
    title: str
    status: str
    url: str | None
    detail: str = ""
    pk: int = 0

    @property
    def label(self):
        return KINDS[self.kind]


@dataclass
class Chain:
    start: Entry
    entries: list[Entry] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[str, object, int]]:
        seen: dict[str, int] = {}
        for entry in self.entries:
            seen[entry.kind] = seen.get(entry.kind, 0) + 1
        return [(kind, label, seen[kind]) for kind, label in KINDS.items() if kind in seen]


@dataclass
class Ids:
    """The chain's members by kind (lineage roots for versioned records)."""

    information: set = field(default_factory=set)
    case: set = field(default_factory=set)
    assessment: set = field(default_factory=set)
    warning: set = field(default_factory=set)
    rule: set = field(default_factory=set)
    measure: set = field(default_factory=set)
    obligation: set = field(default_factory=set)
    recall: set = field(default_factory=set)

    def size(self) -> int:
        return sum(len(v) for v in vars(self).values())


def _roots(model, **lookup) -> set[int]:
    return {lineage or pk for pk, lineage in model.objects.filter(**lookup).values_list("pk", "lineage_id")}


def _versions(model, roots: set[int]) -> QuerySet:
    return model.objects.filter(Q(pk__in=roots) | Q(lineage_id__in=roots))


def _start(kind: str, pk: int) -> Ids | None:
    ids = Ids()
    if kind == "information":
        ids.information = set(RiskInformation.objects.filter(pk=pk).values_list("pk", flat=True))
    elif kind == "case":
        ids.case = set(RiskCase.objects.filter(pk=pk).values_list("pk", flat=True))
    elif kind == "assessment":
        ids.assessment = _roots(Assessment, pk=pk)
    elif kind == "warning":
        ids.warning = _roots(WarningNotice, pk=pk)
    elif kind == "measure":
        ids.measure = set(MeasureOrder.objects.filter(pk=pk).values_list("pk", flat=True))
    elif kind == "recall":
        ids.recall = set(Recall.objects.filter(pk=pk).values_list("pk", flat=True))
    else:
        return None
    return ids if ids.size() else None


def _follow(ids: Ids) -> Ids:
    """One step along every link, both ways."""
    assessments = _versions(Assessment, ids.assessment)
    warnings = _versions(WarningNotice, ids.warning)
    rules = _versions(ControlRule, ids.rule)
    measures = MeasureOrder.objects.filter(pk__in=ids.measure)
    recalls = Recall.objects.filter(pk__in=ids.recall)
    obligations = Obligation.objects.filter(pk__in=ids.obligation)
    found = InspectionTask.objects.filter(
        Q(rules__in=rules.values("pk")) | Q(found_by__in=rules.values("pk")), outcome=Outcome.NON_CONFORMING
    ).exclude(information=None)
    info = RiskInformation.objects.filter(
        Q(pk__in=ids.information)
        | Q(case__in=ids.case)
        | Q(assessments__in=assessments.values("pk"))
        | Q(pk__in=found.values("information_id"))
    )
    out = Ids(
        information={*ids.information, *info.values_list("pk", flat=True)},
        case={*ids.case, *info.exclude(case=None).values_list("case_id", flat=True)},
        assessment={
            *ids.assessment,
            *_roots(Assessment, information__in=info.values("pk")),
            *_roots(Assessment, case__in=ids.case),
            *_roots(Assessment, pk__in=warnings.exclude(assessment=None).values("assessment_id")),
            *_roots(Assessment, pk__in=measures.exclude(assessment=None).values("assessment_id")),
            *_roots(Assessment, pk__in=recalls.exclude(assessment=None).values("assessment_id")),
        },
        warning={
            *ids.warning,
            *_roots(WarningNotice, assessment__in=assessments.values("pk")),
            *_roots(WarningNotice, pk__in=rules.exclude(warning=None).values("warning_id")),
            *_roots(WarningNotice, pk__in=measures.exclude(warning=None).values("warning_id")),
            *_roots(WarningNotice, pk__in=obligations.values("warning_id")),
            *_roots(WarningNotice, pk__in=recalls.exclude(warning=None).values("warning_id")),
        },
        rule={
            *ids.rule,
            *_roots(ControlRule, warning__in=warnings.values("pk")),
            *_roots(ControlRule, measures__in=measures.values("pk")),
        },
        measure={
            *ids.measure,
            *MeasureOrder.objects.filter(
                Q(warning__in=warnings.values("pk")) | Q(assessment__in=assessments.values("pk"))
            ).values_list("pk", flat=True),
            *recalls.exclude(measure=None).values_list("measure_id", flat=True),
            *obligations.exclude(measure=None).values_list("measure_id", flat=True),
        },
        obligation={
            *ids.obligation,
            *Obligation.objects.filter(Q(warning__in=warnings.values("pk")) | Q(measure__in=ids.measure)).values_list(
                "pk", flat=True
            ),
        },
        recall={
            *ids.recall,
            *Recall.objects.filter(
                Q(warning__in=warnings.values("pk"))
                | Q(measure__in=ids.measure)
                | Q(assessment__in=assessments.values("pk"))
            ).values_list("pk", flat=True),
        },
    )
    return out


def _readable(read, user) -> QuerySet | None:
    """An app's scoped read for this user, or None where the user has no part in it."""
    try:
        return read(user)
    except PermissionDenied:
        return None


def chain(user: Principal, kind: str, pk: int) -> Chain | None:
    """The whole chain from one record, as `user` may see it; None when the record is not the user's to read."""
    ids = _start(kind, pk)
    if ids is None:
        return None
    for _round in range(ROUNDS):
        wider = _follow(ids)
        if wider.size() == ids.size():
            break
        ids = wider
    entries = [
        *_information(user, ids),
        *_cases(user, ids),
        *_assessments(user, ids),
        *_warnings(user, ids),
        *_rules(user, ids),
        *_measures(user, ids),
        *_obligations(user, ids),
        *_recalls(user, ids),
    ]
    start = _find_start(entries, kind, pk)
    if start is None:
        return None
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: (e.at or far, list(KINDS).index(e.kind), e.reference))
    return Chain(start=start, entries=entries)


def _find_start(entries: list[Entry], kind: str, pk: int) -> Entry | None:
    for entry in entries:
        if entry.kind == kind and entry.pk == pk:
            return entry
    return None


def _entry(kind: str, obj, *, at, title: str, status: str, url: str | None, detail: str = "") -> Entry:
    return Entry(kind, at, obj.reference, title, status, url, detail, obj.pk)


def _information(user, ids: Ids) -> list[Entry]:
    if not user.has_permission(Permission.INTAKE_INFORMATION_VIEW):
        return []
    rows = RiskInformation.objects.visible_to(user).filter(pk__in=ids.information).order_by("received_at")
    return [
        _entry(
            "information",
            info,
            at=info.received_at,
            title=info.title,
            status=info.get_status_display(),
            url=reverse("intake:detail", args=[info.pk]),
            detail=info.get_source_type_display(),
        )
        for info in rows
    ]


def _cases(user, ids: Ids) -> list[Entry]:
    if not user.has_permission(Permission.INTAKE_INFORMATION_VIEW):
        return []
    seen = RiskInformation.objects.visible_to(user).filter(case__in=ids.case).values("case_id")
    views = [linking.case_view(user, case) for case in RiskCase.objects.filter(pk__in=seen)]
    # The case's title only where the viewer sees all its items (it may come from one the viewer may not read).
    return [
        _entry(
            "case", view, at=view.created_at, title=view.title, status="", url=reverse("intake:case", args=[view.pk])
        )
        for view in views
    ]


def _assessments(user, ids: Ids) -> list[Entry]:
    rows = assessment_queries.visible(user).filter(pk__in=_versions(Assessment, ids.assessment).values("pk"))
    return [
        _entry(
            "assessment",
            a,
            at=a.confirmed_at or a.submitted_at or a.created_at,
            title=a.title,
            status=a.get_status_display(),
            url=reverse("assessment:detail", args=[a.pk]),
            detail=a.get_confirmed_level_display() if a.confirmed_level else "",
        )
        for a in rows.order_by("lineage_id", "version")
    ]


def _warnings(user, ids: Ids) -> list[Entry]:
    versions = _versions(WarningNotice, ids.warning)
    managed = set(
        warning_queries.managed(user).filter(pk__in=versions.values("pk")).values_list("pk", flat=True)
        if user.has_permission(Permission.WARNING_VIEW)
        else []
    )
    readable = warning_queries.basis_for(user).filter(pk__in=versions.values("pk"))
    entries = []
    for notice in WarningNotice.objects.filter(Q(pk__in=managed) | Q(pk__in=readable.values("pk"))).order_by("id"):
        if notice.pk in managed:
            url = reverse("warnings:manage", args=[notice.pk])
        elif notice.public:
            url = reverse("warnings:public_version", args=[notice.lineage_id or notice.pk, notice.version])
        else:
            url = None  # delivered to this organisation: read in its inbox
        entries.append(
            _entry(
                "warning",
                notice,
                at=notice.published_at or notice.created_at,
                title=local_field(notice, "title"),
                status=notice.get_status_display(),
                url=url,
                detail=notice.get_level_display(),
            )
        )
    return entries


def _rules(user, ids: Ids) -> list[Entry]:
    if not user.has_permission(Permission.TARGETING_RULE_VIEW):
        return []
    versions = _versions(ControlRule, ids.rule)
    rules = targeting_queries.rules(user).filter(pk__in=versions.values("pk"))
    counted = rules.annotate(
        hits=Count("tasks", distinct=True),
        failed=Count("tasks", filter=Q(tasks__outcome=Outcome.NON_CONFORMING), distinct=True),
    ).order_by("id")
    entries = [
        _entry(
            "rule",
            rule,
            at=rule.created_at,
            title=" · ".join([rule.get_action_display(), *(f"HS {p}" for p in rule.hs_prefixes[:5])]),
            status=rule.get_status_display(),
            url=reverse("targeting:rule", args=[rule.pk]),
            detail=str(_("命中 %(hits)s，不合格 %(failed)s") % {"hits": rule.hits, "failed": rule.failed}),
        )
        for rule in counted
    ]
    tasks = _readable(targeting_queries.tasks, user)
    if tasks is not None:
        found = (
            tasks.filter(Q(rules__in=versions.values("pk")) | Q(found_by__in=versions.values("pk")))
            .filter(outcome=Outcome.NON_CONFORMING)
            .distinct()
            .order_by("-completed_at")[:FOUND_SHOWN]
        )
        entries += [
            _entry(
                "task",
                task,
                at=task.completed_at,
                title=task.findings or task.declaration_id,
                status=task.get_outcome_display(),
                url=reverse("targeting:task", args=[task.pk]),
                detail=f"{task.declaration_id} #{task.item_no}",
            )
            for task in found
        ]
    return entries


def _measures(user, ids: Ids) -> list[Entry]:
    seen = _readable(measure_queries.visible, user)
    if seen is None:
        return []
    return [
        _entry(
            "measure",
            order,
            at=order.ordered_at,
            title=f"{local_name(order.kind)} · {order.target}",
            status=order.get_status_display(),
            url=reverse("response:detail", args=[order.pk]),
        )
        for order in seen.filter(pk__in=ids.measure).select_related("kind").order_by("id")
    ]


def _obligations(user, ids: Ids) -> list[Entry]:
    seen = _readable(obligation_queries.visible, user)
    if seen is None:
        return []
    return [
        _entry(
            "obligation",
            obligation,
            at=obligation.created_at,
            title=local_name(obligation.enterprise),
            status=obligation.get_status_display(),
            url=reverse("response:obligation", args=[obligation.pk]),
        )
        for obligation in seen.filter(pk__in=ids.obligation).select_related("enterprise").order_by("id")
    ]


def _recalls(user, ids: Ids) -> list[Entry]:
    seen = _readable(recall_queries.visible, user)
    if seen is None:
        return []
    return [
        _entry(
            "recall",
            recall,
            at=recall.created_at,
            title=recall.product,
            status=recall.get_status_display(),
            url=reverse("response:recall", args=[recall.pk]),
            detail=recall.get_kind_display(),
        )
        for recall in seen.filter(pk__in=ids.recall).order_by("id")
    ]
