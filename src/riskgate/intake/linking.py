"""Linking reports of the same risk: the system proposes (similarity.py), an officer confirms or dismisses.

Confirming a proposal puts both items in one risk case: a new case when neither has one, the existing case
when one has, and when both belong to different cases the newer case's items move to the older one. Every
decision is authorised (the officer must see both items and hold the process permission) and audited.
"""

import re
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import MAX_ID
from riskgate.core.fastpath.bulk import insert_values
from riskgate.core.fastpath.lookup import delete_where_in, raw_values
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person

from . import similarity
from .models import (
    EXTERNAL_SYSTEMS,
    LinkKind,
    LinkPending,
    LinkProposal,
    LinkStatus,
    RiskCase,
    RiskInformation,
    Status,
)

POOL_FIELDS = (
    "id",
    "similarity_signature",
    "notified_on",
    "notifying_country",
    "origin_countries",
    "product_category",
    "gtin",
    "brand",
    "model",
    "batch",
    "case_id",
)


def detect(new_ids, *, created=()) -> int:
    """Propose links between the given items and every other item; returns how many proposals are new.
    created: those of new_ids that did not exist before (no proposal can name them yet, so theirs are
    written without the conflict check)."""
    new_ids = set(new_ids)
    if not new_ids:
        return 0
    with transaction.atomic():  # the markers are cleared only together with the proposals they stand for
        proposed = _detect(new_ids, set(created))
        _linked(new_ids)
    return proposed


def pending_ids() -> list[int]:
    """Items stored or changed whose proposals were never made (an import or a task stopped in between)."""
    return list(LinkPending.objects.values_list("information_id", flat=True))


def mark_pending(ids) -> None:
    """Inside the transaction that stores the items: their proposals are still to be made."""
    insert_values(LinkPending, ["information_id"], [[pk] for pk in ids], ignore_conflicts=True)


def _linked(ids: set[int]) -> None:
    delete_where_in(LinkPending, "information_id", ids)


def detect_pending() -> int:
    """Finish what was left pending (the scheduler's job); returns how many proposals are new."""
    with transaction.atomic():
        return detect(pending_ids())


def _detect(new_ids: set[int], created: set[int]) -> int:
    rows = RiskInformation.objects.exclude(status=Status.MERGED).exclude(similarity_signature=None)
    # Read raw (Pool.of takes the database's own types): the ORM's per-value converters cost more than the
    # comparison itself at 100,000 items.
    pool = similarity.Pool.of(raw_values(rows, *POOL_FIELDS))
    if not len(pool.ids):
        return 0
    new = np.isin(pool.ids, np.fromiter(new_ids, dtype=np.int64))
    found = similarity.proposals(pool, new)
    if not found:
        return 0
    before = LinkProposal.objects.count()
    now = timezone.now()
    fresh, known = [], []
    for a, b, s, r, kind in found:
        (fresh if a in created or b in created else known).append([a, b, s, kind, r, LinkStatus.PROPOSED.value, now])
    names = ["first_id", "second_id", "score", "kind", "reasons", "status", "created_at"]
    insert_values(LinkProposal, names, fresh)
    insert_values(LinkProposal, names, known, ignore_conflicts=True)
    return LinkProposal.objects.count() - before


def detect_on_commit(ids) -> None:
    enqueue_on_commit("riskgate.intake.tasks.detect_links", list(ids))


def visible_proposals(principal: Principal, *, shared: bool = True):
    """Proposals whose two items the principal may both see (shared=False: in the principal's jurisdiction)."""
    visible = RiskInformation.objects.visible_to(principal, shared=shared).values("pk")
    return LinkProposal.objects.filter(first__in=visible, second__in=visible)


def visible_proposal_or_none(principal: Principal, pk: int) -> LinkProposal | None:
    if not 0 < pk <= MAX_ID:
        return None
    return visible_proposals(principal).filter(pk=pk).select_related("first").first()


def proposals_for(principal: Principal, info: RiskInformation):
    return (
        visible_proposals(principal)
        .filter(Q(first=info) | Q(second=info), status=LinkStatus.PROPOSED)
        .select_related("first", "second")
    )


def _check(principal: Principal, proposal: LinkProposal) -> None:
    if not principal.has_permission(Permission.INTAKE_INFORMATION_PROCESS):
        raise PermissionDenied(_("没有权限：%s") % Permission.INTAKE_INFORMATION_PROCESS.value)
    if not visible_proposals(principal, shared=False).filter(pk=proposal.pk).exists():
        raise PermissionDenied


def _decide(principal: Principal, proposal: LinkProposal, status: str) -> LinkProposal:
    """Record an officer's decision on a proposal still open (inside the caller's transaction, row locked)."""
    _check(principal, proposal)
    proposal = LinkProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != LinkStatus.PROPOSED:
        raise ValidationError({"status": [_("该关联建议已处理。")]})
    proposal.status = status
    proposal.decided_by = person(principal)
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


def confirm(principal: Principal, proposal: LinkProposal) -> RiskCase:
    with transaction.atomic():
        proposal = _decide(principal, proposal, LinkStatus.CONFIRMED)
        first, second = (
            RiskInformation.objects.select_for_update()
            .filter(pk__in=[proposal.first_id, proposal.second_id])
            .order_by("pk")
        )
        case = _join(principal, first, second)
        audit.record(
            actor=principal,
            action="intake.linked",
            obj=case,
            changes=audit.facts(items=[first.pk, second.pk], proposal=proposal.pk, score=proposal.score),
        )
    return case


def _join(principal: Principal, first: RiskInformation, second: RiskInformation) -> RiskCase:
    cases = sorted({c for c in (first.case_id, second.case_id) if c})
    if not cases:
        older = min((first, second), key=lambda i: (i.notified_on or i.received_at.date(), i.pk))
        case = RiskCase.objects.create(
            title=older.title,
            organisation_id=older.organisation_id,
            created_by=person(principal),
        )
    else:
        case = RiskCase.objects.get(pk=cases[0])
        if len(cases) == 2:
            moved = list(RiskInformation.objects.filter(case_id=cases[1]).values_list("pk", flat=True))
            RiskInformation.objects.filter(case_id=cases[1]).update(case=case)
            RiskCase.objects.filter(pk=cases[1]).delete()
            audit.record(
                actor=principal,
                action="intake.cases_merged",
                obj=case,
                changes=audit.facts(merged_case=cases[1], items=moved),
            )
    RiskInformation.objects.filter(pk__in=[first.pk, second.pk]).update(case=case)
    return case


def dismiss(principal: Principal, proposal: LinkProposal) -> None:
    with transaction.atomic():
        proposal = _decide(principal, proposal, LinkStatus.DISMISSED)
        audit.record(
            actor=principal,
            action="intake.link_dismissed",
            object_type="intake.linkproposal",
            object_id=str(proposal.pk),
            organisation_id=proposal.first.organisation_id,
            changes=audit.facts(items=[proposal.first_id, proposal.second_id], score=proposal.score),
        )


BULK_LIMIT = 200  # proposals decided by one request


@dataclass
class BulkResult:
    done: int
    cases: set[int]
    refused: list[str]  # "<proposal id>: <why>" for each one left as it was


def decide_many(principal: Principal, ids: list[int], decision: str) -> BulkResult:
    """Confirm or dismiss many proposals at once (issue 26: a queue of thousands needs bulk actions). Each is
    decided in its own transaction, audited as one decision; one that cannot be decided (decided meanwhile, not
    the officer's) is reported and the others go on. Ids beyond BULK_LIMIT are refused whole."""
    if decision not in ("confirm", "dismiss"):
        raise ValidationError({"action": [_("未知的操作。")]})
    if not principal.has_permission(Permission.INTAKE_INFORMATION_PROCESS):
        raise PermissionDenied(_("没有权限：%s") % Permission.INTAKE_INFORMATION_PROCESS.value)
    ids = sorted({i for i in ids if 0 < i <= MAX_ID})
    if not ids:
        raise ValidationError({"ids": [_("请先选择关联建议。")]})
    if len(ids) > BULK_LIMIT:
        raise ValidationError({"ids": [_("一次最多处理 %(n)s 条。") % {"n": BULK_LIMIT}]})
    result = BulkResult(0, set(), [])
    found = {p.pk: p for p in visible_proposals(principal, shared=False).filter(pk__in=ids).select_related("first")}
    for pk in ids:
        proposal = found.get(pk)
        if proposal is None:
            result.refused.append(_("%(pk)s：不存在或不在您的辖区内") % {"pk": pk})
            continue
        try:
            if decision == "confirm":
                result.cases.add(confirm(principal, proposal).pk)
            else:
                dismiss(principal, proposal)
        except ValidationError as exc:
            result.refused.append(_("%(pk)s：%(why)s") % {"pk": pk, "why": " ".join(exc.messages)})
        else:
            result.done += 1
    return result


def queue(
    principal: Principal,
    *,
    status: str = LinkStatus.PROPOSED,
    kind: str = "",
    system: str = "",
    since=None,
    until=None,
    q: str = "",
    min_score: float | None = None,
    sort: str = "score",
):
    """The link queue as an officer filters it: by status and kind, by the source system of either report, by
    the first report's notification date, by words of either title, by score."""
    rows = visible_proposals(principal).filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if system:
        rows = rows.filter(Q(first__external_system=system) | Q(second__external_system=system))
    if since:
        rows = rows.filter(first__notified_on__gte=since)
    if until:
        rows = rows.filter(first__notified_on__lte=until)
    if q:
        rows = rows.filter(Q(first__title__icontains=q) | Q(second__title__icontains=q))
    if min_score is not None:
        rows = rows.filter(score__gte=min_score)
    order = ("-created_at", "-id") if sort == "newest" else ("-score", "id")
    return rows.select_related("first", "second", "decided_by").order_by(*order)


def queue_counts(principal: Principal, status: str = LinkStatus.PROPOSED) -> list[dict]:
    """How the queue splits by the first report's source system and the kind of proposal (the queue's groups)."""
    rows = (
        visible_proposals(principal)
        .filter(status=status)
        .values_list("first__external_system", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"system": system, "label": EXTERNAL_SYSTEMS.get(system, system) if system else _("其他渠道"), "kind": kind,
         "kind_label": LinkKind(kind).label, "n": n}
        for system, kind, n in sorted(rows, key=lambda row: (-row[2], row[0], row[1]))
    ]  # fmt: skip


def unlink(principal: Principal, info: RiskInformation) -> None:
    """Take an item out of its case (a link confirmed by mistake); a case left with one item is dissolved."""
    if not principal.has_permission(Permission.INTAKE_INFORMATION_PROCESS):
        raise PermissionDenied
    if not RiskInformation.objects.visible_to(principal, shared=False).filter(pk=info.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        info = RiskInformation.objects.select_for_update().get(pk=info.pk)
        if info.case_id is None:
            raise ValidationError({"case": [_("该风险信息不属于任何风险案件。")]})
        case_id = info.case_id
        info.case = None
        info.save(update_fields=["case", "updated_at"])
        remaining = RiskInformation.objects.filter(case_id=case_id)
        dissolved = remaining.count() < 2
        if dissolved:
            remaining.update(case=None)
            RiskCase.objects.filter(pk=case_id).delete()
        audit.record(
            actor=principal,
            action="intake.unlinked",
            obj=info,
            changes=audit.facts(case=case_id, case_dissolved=dissolved),
        )


def add_to_case(principal: Principal, case: RiskCase, reference: str) -> RiskInformation:
    """Put an item of the officer's own jurisdiction into a case (a report the detector did not propose). An item
    already in another case brings that case along (the two are one risk, as when a link is confirmed)."""
    if not principal.has_permission(Permission.INTAKE_INFORMATION_PROCESS):
        raise PermissionDenied
    match = re.fullmatch(r"\s*RI0*(\d{1,15})\s*", reference or "", re.IGNORECASE)
    own = RiskInformation.objects.visible_to(principal, shared=False)
    info = own.filter(pk=int(match[1])).first() if match else None
    if info is None:
        raise ValidationError({"reference": [_("没有这条风险信息，或不在您的辖区内（编号如 RI00000012）。")]})
    if info.case_id == case.pk:
        raise ValidationError({"reference": [_("%s 已在本案件中。") % info.reference]})
    if info.status == Status.MERGED:
        raise ValidationError({"reference": [_("%s 已合并到其他报告，不能加入案件。") % info.reference]})
    with transaction.atomic():
        member = case.items.select_for_update().order_by("pk").first()
        if member is None:
            raise ValidationError({"reference": [_("该风险案件已不存在。")]})
        joined = _join(principal, member, RiskInformation.objects.select_for_update().get(pk=info.pk))
        audit.record(actor=principal, action="intake.case_item_added", obj=joined, changes=audit.facts(item=info.pk))
    return info


def visible_cases(principal: Principal):
    """Cases with at least one item the principal may see, newest first, with how many items each has and how
    many of them the principal sees."""
    seen = RiskInformation.objects.visible_to(principal).filter(case=OuterRef("pk"))
    return (
        RiskCase.objects.filter(Exists(seen))
        .annotate(
            total=Count("items", distinct=True),
            latest=Max("items__notified_on"),
        )
        .order_by("-created_at", "-id")
    )


def case_rows(principal: Principal, cases) -> list["CaseView"]:
    """A page of cases as this viewer may see them (title and sources from the viewer's items only)."""
    ids = [c.pk for c in cases]
    items: dict[int, list] = {}
    for info in RiskInformation.objects.visible_to(principal).filter(case__in=ids).order_by("notified_on", "pk"):
        items.setdefault(info.case_id, []).append(info)
    rows = []
    for case in cases:
        mine = items.get(case.pk, [])
        hidden = case.total - len(mine)
        title = case.title if hidden == 0 else (mine[0].title if mine else "")
        rows.append(CaseView(case, mine, hidden, title, None))
    return rows


def case_items(principal: Principal, case: RiskCase):
    """The case's items the principal may see, and how many more it has outside their scope."""
    items = case.items.visible_to(principal).select_related("organisation").order_by("notified_on", "pk")
    hidden = case.items.count() - items.count()
    return items, hidden


@dataclass(frozen=True)
class CaseView:
    """A case as one viewer may see it: its items in the viewer's scope, how many more there are, and a title and
    responsible organisation taken only from what the viewer may see (the case's own come from its oldest item,
    which may be another jurisdiction's)."""

    case: RiskCase
    items: list
    hidden: int
    title: str
    organisation: Organisation | None

    @property
    def pk(self) -> int:
        return self.case.pk

    @property
    def reference(self) -> str:
        return self.case.reference

    @property
    def created_at(self):
        return self.case.created_at

    @property
    def systems(self) -> list[str]:
        """Where its items the viewer sees came from, each named once."""
        return sorted({info.system_label for info in self.items})


def case_view(principal: Principal, case: RiskCase) -> CaseView:
    items, hidden = case_items(principal, case)
    items = list(items)
    title = case.title if hidden == 0 else (items[0].title if items else "")
    in_view = Organisation.objects.visible_to(principal).filter(pk=case.organisation_id).exists()
    return CaseView(case, items, hidden, title, case.organisation if in_view else None)


def visible_case_or_none(principal: Principal, pk: int) -> RiskCase | None:
    """A case is visible to whoever may see at least one of its items."""
    if not 0 < pk <= MAX_ID:  # not an id (and too large for SQLite's integers)
        return None
    visible = RiskInformation.objects.visible_to(principal).filter(case_id=pk)
    if not visible.exists():
        return None
    return RiskCase.objects.filter(pk=pk).first()
