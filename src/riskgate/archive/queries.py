"""Every read of the archive, scoped to the reader's jurisdiction."""

import datetime as dt
from dataclasses import dataclass, field

from django.core import serializers
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riskgate.core.models import AuditEvent
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.core.work import WorkItem, group, present

from .kinds import KINDS, OWNED, kind_for_model, kind_of
from .models import ArchivedRecord, ArchiveState, DisposalReview, Importance, ReviewStatus


def records(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.ARCHIVE_RECORD_VIEW):
        return ArchivedRecord.objects.none()
    return ArchivedRecord.objects.visible_to(principal).select_related("organisation")


def record_or_none(principal: Principal, pk: int) -> ArchivedRecord | None:
    if pk > 2**62:
        return None
    return records(principal).select_related("classified_by", "hold_by", "review").filter(pk=pk).first()


def filtered(principal: Principal, data: dict) -> QuerySet:
    """The archive list under the form's filters (cleaned data; absent keys filter nothing)."""
    found = records(principal)
    for key in ("category", "importance", "state"):
        if data.get(key):
            found = found.filter(**{key: data[key]})
    if data.get("on_hold"):
        found = found.filter(on_hold=True)
    if data.get("q"):
        found = found.filter(Q(reference__icontains=data["q"]) | Q(title__icontains=data["q"]))
    return found.order_by("-closed_at", "-pk")


def due(as_of: dt.date) -> QuerySet:
    """For the retention job: kept, ordinary, not on hold and past retention on `as_of` (every jurisdiction)."""
    return ArchivedRecord.objects.filter(
        state=ArchiveState.KEPT, importance=Importance.ORDINARY, on_hold=False, retain_until__lte=as_of
    )


def reviews(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.ARCHIVE_RECORD_VIEW):
        return DisposalReview.objects.none()
    return DisposalReview.objects.visible_to(principal).select_related("organisation", "submitted_by", "decided_by")


def review_list(principal: Principal) -> QuerySet:
    return reviews(principal).annotate(count=Count("items")).order_by("-pk")


def review_or_none(principal: Principal, pk: int) -> DisposalReview | None:
    if pk > 2**62:
        return None
    return reviews(principal).filter(pk=pk).first()


def review_items(review: DisposalReview) -> QuerySet:
    return review.items.select_related("record").order_by("record__category", "record__object_id")


def record_events(record: ArchivedRecord) -> QuerySet:
    """The audit events of the archived record itself (archiving, classification, holds, disposal)."""
    return AuditEvent.objects.filter(object_type="archive.archivedrecord", object_id=str(record.pk)).order_by("seq")


def summary(principal: Principal) -> dict:
    """Counts for the archive's page head: kept by importance, on hold, disposed, reviews waiting."""
    found = records(principal)
    kept = found.filter(state=ArchiveState.KEPT)
    return {
        "kept": kept.count(),
        "by_importance": {row["importance"]: row["n"] for row in kept.values("importance").annotate(n=Count("pk"))},
        "on_hold": kept.filter(on_hold=True).count(),
        "disposed": found.filter(state=ArchiveState.DISPOSED).count(),
        "waiting": reviews(principal).filter(status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED]).count(),
    }


def tombstones(principal: Principal) -> QuerySet:
    return records(principal).filter(state=ArchiveState.DISPOSED).select_related("review").order_by("-disposed_at")


# -- what a disposal would delete ----------------------------------------------------------------------------


@dataclass
class Dossier:
    """A live record (with every version of its lineage) and every row its deletion removes: what it owns by
    CASCADE, with their files; the references to clear (SET_NULL); and `blocked`, why it may not go now."""

    record: ArchivedRecord
    obj: models.Model | None
    rows: list[models.Model] = field(default_factory=list)
    files: list[tuple[str, models.fields.files.FieldFile]] = field(default_factory=list)
    cleared: list[tuple[type[models.Model], str, list[int]]] = field(default_factory=list)
    blocked: str = ""

    def serialized(self) -> bytes:
        ordered = sorted(self.rows, key=lambda o: (o._meta.label_lower, o.pk))
        return serializers.serialize("json", ordered, indent=1, ensure_ascii=False).encode()


def _reverse_relations(model: type[models.Model]) -> list:
    """The foreign keys pointing at the model (hidden ones too: many-to-many tables), as Django's deletion sees
    them."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    ]


def gather(roots: list[models.Model]) -> tuple[dict, list, list]:
    """What deleting `roots` together removes: the rows they own (CASCADE and the parts `kinds.OWNED` names,
    transitively); the rows outside that protect them (PROTECT, RESTRICT — a reference from inside the set, such
    as a version's lineage or a later version, does not count); the references outside to set to NULL. Django's
    own collector refuses any PROTECT reference, even from a row deleted in the same operation."""
    rows = {(o._meta.label_lower, o.pk): o for o in roots}
    queue, guards, cleared = list(roots), [], []
    while queue:
        obj = queue.pop()
        for rel in _reverse_relations(type(obj)):
            on_delete = rel.on_delete
            if on_delete is models.DO_NOTHING:
                continue
            related = rel.related_model._base_manager.filter(**{rel.field.name: obj.pk})
            if on_delete is models.SET_NULL:
                cleared.append((rel.related_model, rel.field.name, obj.pk))
                continue
            for r in related:
                key = (r._meta.label_lower, r.pk)
                if key in rows:
                    continue
                if on_delete is models.CASCADE or (rel.related_model._meta.label_lower, rel.field.name) in OWNED:
                    rows[key] = r
                    queue.append(r)
                else:
                    guards.append(r)
    blockers = [g for g in guards if (g._meta.label_lower, g.pk) not in rows]
    return rows, blockers, cleared


def closed_roots(kind, roots: list[models.Model]) -> list[models.Model]:
    closed = set(kind.model.objects.filter(kind.closed, pk__in=[o.pk for o in roots]).values_list("pk", flat=True))
    return [o for o in roots if o.pk in closed]


def dossier(record: ArchivedRecord) -> Dossier:
    kind = kind_of(record.category)
    obj = kind.model.objects.filter(pk=record.object_id).first()
    if obj is None:
        return Dossier(record, None, blocked=_("原记录已不存在。"))
    roots = list(kind.model.objects.filter(lineage_id=obj.lineage_id)) if kind.lineage else [obj]
    rows, blockers, cleared = gather(roots)
    found = Dossier(record, obj, rows=list(rows.values()))
    root_keys = {(o._meta.label_lower, o.pk) for o in roots}
    by_field: dict[tuple, list[int]] = {}
    for model, name, pk in cleared:
        by_field.setdefault((model, name), []).append(pk)
    found.cleared = [(model, name, pks) for (model, name), pks in by_field.items()]
    settled = {o.pk for o in closed_roots(kind, roots)}
    open_versions = [o for o in roots if o.pk not in settled and o.status != "superseded"]
    if open_versions:
        found.blocked = _("有尚未办结的新版本 %s。") % open_versions[0].reference
    elif blockers:
        named = "、".join(sorted(str(o)[:60] for o in blockers)[:3])
        found.blocked = _("仍被其他记录引用：%s") % named
    for key, o in rows.items():
        if key not in root_keys and kind_for_model(type(o)) is not None and not found.blocked:
            found.blocked = _("包含另一份档案 %s，应随其一并处置。") % o.reference
        for f in o._meta.concrete_fields:
            if isinstance(f, models.FileField) and getattr(o, f.attname):
                found.files.append((f"{o._meta.label_lower}/{o.pk}/{f.name}", getattr(o, f.name)))
    return found


def refusal(record: ArchivedRecord, today: dt.date) -> str:
    """Why the record may not be disposed of today ("" when it may): the retention rule itself."""
    if record.state != ArchiveState.KEPT:
        return _("档案状态为「%s」。") % record.get_state_display()
    if record.on_hold:
        return _("诉讼保全中。")
    if record.importance != Importance.ORDINARY:
        return _("%s，长期或永久保存。") % record.get_importance_display()
    if record.retain_until is None or record.retain_until > today:
        return _("未到保管期限（%s）。") % record.retain_until
    kind = kind_of(record.category)
    if not kind.model.objects.filter(kind.closed, pk=record.object_id).exists():
        return _("原记录已重新办理或已不存在。")
    return ""


def plan(as_of: dt.date) -> list[Dossier]:
    """The dry run: every record past its retention on `as_of`, each with why it could not be disposed of."""
    planned = []
    for record in due(as_of).order_by("organisation_id", "category", "object_id"):
        found = dossier(record)
        found.blocked = found.blocked or refusal(record, as_of)
        planned.append(found)
    return planned


def expected(record: ArchivedRecord, today: dt.date | None = None) -> str:
    """What approving a review today would leave of the record: "" (disposed of) or why it would be kept."""
    today = today or timezone.localdate()
    found = refusal(record, today)
    return found or dossier(record).blocked


def live_url(record: ArchivedRecord) -> str:
    """The live record's page while it exists."""
    if record.state != ArchiveState.KEPT:
        return ""
    return reverse(kind_of(record.category).url, args=[record.object_id])


def unarchived_count() -> int:
    """Closed records the next retention run will archive."""
    total = 0
    for category, kind in KINDS.items():
        archived = ArchivedRecord.objects.filter(category=category).values("object_id")
        total += kind.model.objects.filter(kind.closed).exclude(pk__in=archived).count()
    return total


def pending_work(user) -> list:
    """Disposal reviews to check and submit (a manager), and those another officer submitted (an approver)."""
    mine = reviews(user)
    url = reverse("archive:reviews")

    def item(review):
        return WorkItem(
            title=f"{review.reference} · {local(review.organisation)}",
            url=reverse("archive:review", args=[review.pk]),
            since=review.submitted_at or review.created_at,
            detail=review.get_status_display(),
        )

    groups = []
    if user.has_permission(Permission.ARCHIVE_RECORD_MANAGE):
        drafts = mine.filter(status=ReviewStatus.DRAFT)
        groups.append(
            group("archive.draft", gettext_lazy("待核对提交的档案销毁清册"), drafts, url, item, order=("pk",))
        )
    if user.has_permission(Permission.ARCHIVE_DISPOSAL_APPROVE):
        waiting = mine.filter(status=ReviewStatus.SUBMITTED).exclude(submitted_by_id=user.pk)
        groups.append(group("archive.approve", gettext_lazy("待审批的档案销毁清册"), waiting, url, item, order=("pk",)))
    return present(*groups)
