"""Reads of the public side: the current public version of each warning, searched and filtered (portal, feeds,
public API share this one function), and the public versions of one warning."""

import datetime as dt

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation
from riskgate.assessment.models import Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core.access import MAX_ID, pk_or_404
from riskgate.core.models import Region
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.search import matching
from riskgate.core.templatetags.riskgate import local_field, local_name
from riskgate.core.vocabulary import WarningLevel
from riskgate.core.work import WorkGroup, WorkItem, deadline, group, present

from .models import (
    ANSWER_HOURS,
    CONTENT_FIELDS,
    Change,
    Evaluation,
    FollowUp,
    PublicationLimit,
    ReassessmentRequest,
    ReassessmentStatus,
    Recipient,
    Status,
    Subscription,
    WarningNotice,
)

# What the public filter "status" means, on the current version of a warning.
STATES = {
    "active": Q(status=Status.PUBLISHED, change__in=[Change.NEW, Change.CONFIRMED]),
    "adjusted": Q(status=Status.PUBLISHED, change=Change.ADJUSTED),
    "lifted": Q(status=Status.LIFTED),
    "in_force": Q(status=Status.PUBLISHED),  # active or adjusted: what the public home counts
}
PUBLIC_STATUSES = [Status.PUBLISHED, Status.SUPERSEDED, Status.LIFTED]


def public_warnings(
    *,
    q: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    hs_chapter: str | None = None,
    origin: str | None = None,
    region: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    state: str | None = None,
) -> QuerySet[WarningNotice]:
    """One row per public warning (its current version), newest first."""
    items = WarningNotice.objects.filter(current=True, public=True)
    if q:
        items = matching(items, q)
    if level:
        items = items.filter(level=level)
    if kind:
        items = items.filter(kinds__icontains=f'"{kind}"')
    if category:
        items = items.filter(product_category__icontains=category)
    if hs_chapter:
        items = items.filter(hs_codes__icontains=f'"{hs_chapter}')
    if origin:
        items = items.filter(origin_countries__icontains=f'"{origin.upper()}"')
    if region:
        province = region[:2]
        items = items.filter(Q(regions=[]) | Q(regions__icontains=f'"{province}'))
    if since:
        items = items.filter(published_at__date__gte=since)
    if until:
        items = items.filter(published_at__date__lte=until)
    if state in STATES:
        items = items.filter(STATES[state])
    return items.select_related("organisation").order_by("-published_at", "-id")


def public_versions(lineage_id: int) -> QuerySet[WarningNotice]:
    """Every published version of one public warning, oldest first (adjustments and the lifting included)."""
    return (
        WarningNotice.objects.filter(lineage_id=lineage_id, public=True, status__in=PUBLIC_STATUSES)
        .exclude(published_at=None)
        .select_related("organisation", "supersedes")
        .order_by("version")
    )


VERSION_KEY, VERSION_SECONDS = "public-data-version", 1


def data_version() -> str:
    """Changes whenever anything public changes: every publication, adjustment and lifting is a new published
    version, and publication times only grow. Every published version counts, public or not (a public warning
    may be adjusted into a circular, which takes it off the portal). Read from the database at most once a
    second per process; the process that publishes forgets it at once (forget_data_version)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        latest = WarningNotice.objects.aggregate(m=Max("published_at"))["m"]
        version = latest.isoformat() if latest else "-"
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


def forget_data_version() -> None:
    cache.delete(VERSION_KEY)


def basis_for(principal: Principal):
    """The warnings an authority may act on (control rules, rapid-response measures): those of its jurisdiction,
    public ones, and those delivered to its organisation's inbox (a national circular acted on by a bureau)."""
    from django.db.models import Q

    organisation = getattr(principal, "organisation", None)
    received = Q(recipients__organisation=organisation) if organisation is not None else Q(pk__in=[])
    own = WarningNotice.objects.visible_to(principal).values("pk")
    return WarningNotice.objects.filter(Q(pk__in=own) | Q(public=True) | received).distinct()


def basis_from_request(request):
    """The warning named by the request's `warning` parameter (form or query) that the user may act on, or None."""

    raw = request.POST.get("warning") or request.GET.get("warning") or ""
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return None
    return basis_for(request.user).filter(pk=int(raw)).first()


def managed_notice_or_404(principal: Principal, pk: int) -> WarningNotice:
    """A warning version in the principal's jurisdiction, for the management pages; 404 otherwise."""
    return pk_or_404(WarningNotice.objects.visible_to(principal), pk)


def assessments_without_warning(principal: Principal) -> QuerySet:
    """Confirmed assessments of the principal's scope that no warning cites yet (bases for a new draft), newest
    first."""
    return (
        Assessment.objects.visible_to(principal)
        .filter(status=AssessmentStatus.CONFIRMED)
        .exclude(warnings__isnull=False)
        .order_by("-confirmed_at")
    )


def assessment_in_scope(principal: Principal, pk: int) -> Assessment | None:
    """An assessment of the principal's scope that a warning may be drafted from (None if out of scope)."""
    return Assessment.objects.visible_to(principal).filter(pk=pk).first()


def managed(principal: Principal) -> QuerySet[WarningNotice]:
    """Every version in the principal's jurisdiction, drafts included (the management list)."""
    return WarningNotice.objects.visible_to(principal).select_related("organisation", "drafted_by")


def fresh(notice: WarningNotice) -> WarningNotice:
    """The version as stored now."""
    return WarningNotice.objects.get(pk=notice.pk)


def versions(notice: WarningNotice) -> QuerySet[WarningNotice]:
    """Every version of the warning's lineage, oldest first (shown with a version the reader may manage)."""
    return WarningNotice.objects.filter(lineage_id=notice.lineage_id).order_by("version")


def previous_version(notice: WarningNotice) -> WarningNotice | None:
    """The version before this one in its lineage (None for a first version)."""
    return (
        WarningNotice.objects.filter(lineage_id=notice.lineage_id, version__lt=notice.version)
        .order_by("-version")
        .first()
        if notice.lineage_id
        else None
    )


def _shown(notice: WarningNotice, name: str) -> str:
    """A content field's value as a reader sees it (labels, names, local times), for the comparison of versions."""
    if name == "level":
        return notice.get_level_display()
    if name == "kinds":
        return "、".join(notice.kind_labels())
    if name in ("ports", "enterprises"):
        return "、".join(sorted(local_name(o) for o in getattr(notice, name).all()))
    value = getattr(notice, name)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value or "")


def changes(before: WarningNotice | None, after: WarningNotice) -> list[dict]:
    """What a version changes against the one before it, field by field, as readers see the values (every filled
    field of a first version)."""
    rows = []
    for name in [*CONTENT_FIELDS, "ports", "enterprises"]:
        if name == "hazard_type":
            continue
        new = _shown(after, name)
        old = _shown(before, name) if before is not None else ""
        if new != old:
            label = WarningNotice._meta.get_field(name).verbose_name
            rows.append({"field": name, "label": label, "before": old, "after": new})
    return rows


def evaluations(notice: WarningNotice) -> QuerySet[Evaluation]:
    """The effect evaluations of every version of the warning."""
    return Evaluation.objects.filter(notice__lineage_id=notice.lineage_id).select_related("evaluated_by", "notice")


def feed_versions(lineages: QuerySet[WarningNotice]) -> QuerySet[WarningNotice]:
    """Every published public version of the given warnings, newest first (the Atom and CAP feeds)."""
    return (
        WarningNotice.objects.filter(lineage_id__in=lineages.values("lineage_id"), public=True)
        .exclude(published_at=None)
        .select_related("organisation")
        .order_by("-published_at", "-id")
    )


def region_names(codes: list[str], *, english: bool) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name_en" if english else "name"))


def subscription(token: str) -> Subscription | None:
    """The subscription a link's key names (its key is the only way to it), or None."""
    return Subscription.objects.filter(token=token).first() if len(token) <= 64 else None


def assessments(principal: Principal, *statuses: str) -> QuerySet[Assessment]:
    """The assessments in the principal's jurisdiction a warning may cite or link, newest first."""
    return Assessment.objects.visible_to(principal).filter(status__in=statuses).order_by("-requested_at", "-id")


def newest_version(notice: WarningNotice) -> WarningNotice:
    """The newest version of the notice's lineage (a draft adjustment included)."""
    return WarningNotice.objects.filter(lineage_id=notice.lineage_id).order_by("-version").first()


def follow_up(notice: WarningNotice) -> FollowUp | None:
    """The emergency follow-up of the notice's lineage, if it was issued by the emergency path."""
    return FollowUp.objects.filter(warning_id=notice.lineage_id).select_related("assessment", "closed_by").first()


def reassessment_requests(notice: WarningNotice) -> QuerySet[ReassessmentRequest]:
    """The agencies' re-assessment requests on any version of the warning, open ones first."""
    return (
        ReassessmentRequest.objects.filter(notice__lineage_id=notice.lineage_id)
        .select_related("organisation", "requested_by", "decided_by", "assessment", "notice")
        .order_by("-status", "-created_at")
    )


def reassessment_request_or_404(principal: Principal, notice: WarningNotice, pk: int) -> ReassessmentRequest:
    """A request on the warning, in the principal's jurisdiction (the issuer's)."""
    return pk_or_404(ReassessmentRequest.objects.visible_to(principal).filter(notice__lineage_id=notice.lineage_id), pk)


def own_requests(recipient) -> QuerySet[ReassessmentRequest]:
    """What the receiving agency asked about this inbox item, newest first."""
    return recipient.reassessment_requests.select_related("assessment").order_by("-created_at")


def _notice_item(notice: WarningNotice, *, due=None, since=None) -> WorkItem:
    return WorkItem(
        title=f"{notice.reference} {local_field(notice, 'title')[:60]}",
        url=reverse("warnings:manage", args=[notice.pk]),
        due=due,
        since=since,
        detail=notice.get_level_display(),
    )


def pending_work(user) -> list[WorkGroup]:
    """My pending work in warnings: confirmed assessments to publish within their level's limit, drafts, warnings
    to review (not my own drafts: four eyes) and to publish, emergency warnings to follow up, agencies' requests
    for re-assessment, and — for a receiving organisation — circulars and notices not yet answered."""
    limits = PublicationLimit.objects.values_list("level", "hours", "answer_hours")
    groups = []
    manage = reverse("warnings:manage_list")
    if user.has_permission(Permission.WARNING_DRAFT):
        to_publish = assessments_without_warning(user).annotate(
            due=deadline("confirmed_at", {level: hours for level, hours, _a in limits}, "confirmed_level")
        )
        groups += [
            group(
                "warnings.publish_due",
                _("研判已确认、待起草预警"),
                to_publish.exclude(due=None),
                f"{reverse('warnings:create')}",
                lambda a: WorkItem(
                    title=f"{a.reference} {a.title[:60]}",
                    url=f"{reverse('warnings:create')}?assessment={a.pk}",
                    due=a.due,
                    detail=a.get_confirmed_level_display(),
                ),
                due="due",
            ),
            group(
                "warnings.drafts",
                _("预警草稿"),
                managed(user).filter(status=Status.DRAFT),
                f"{manage}?status={Status.DRAFT}",
                lambda n: _notice_item(n, since=n.created_at),
                order=("created_at", "pk"),
            ),
        ]
        follow_ups = FollowUp.objects.visible_to(user).filter(closed_at=None).select_related("warning")
        groups += [
            group(
                "warnings.emergency_request",
                _("紧急预警待提请研判"),
                follow_ups.filter(requested_at=None),
                manage,
                lambda f: _notice_item(f.warning, due=f.request_due_at),
                due="request_due_at",
            ),
            group(
                "warnings.emergency_confirm",
                _("紧急预警待事后确认"),
                follow_ups.exclude(requested_at=None),
                manage,
                lambda f: _notice_item(f.warning, due=f.confirm_due_at),
                due="confirm_due_at",
            ),
            group(
                "warnings.reassessment",
                _("待处理的重新研判请求"),
                ReassessmentRequest.objects.filter(
                    status=ReassessmentStatus.OPEN, issuer__in=Organisation.objects.visible_to(user)
                ).select_related("notice"),
                manage,
                lambda r: _notice_item(r.notice, since=r.created_at),
                order=("created_at", "pk"),
            ),
        ]
    if user.has_permission(Permission.WARNING_APPROVE):
        groups += [
            group(
                "warnings.review",
                _("待审核的预警"),
                managed(user).filter(status=Status.IN_REVIEW).exclude(drafted_by=user),
                f"{manage}?status={Status.IN_REVIEW}",
                lambda n: _notice_item(n, since=n.updated_at),
                order=("updated_at", "pk"),
            ),
            group(
                "warnings.approved",
                _("已批准、待发布的预警"),
                managed(user).filter(status=Status.APPROVED),
                f"{manage}?status={Status.APPROVED}",
                lambda n: _notice_item(n, since=n.approved_at),
                order=("approved_at", "pk"),
            ),
        ]
    if user.has_permission(Permission.WARNING_RECEIVE):
        answers = {level: answer for level, _h, answer in limits}
        windows = {level: answers.get(level, ANSWER_HOURS) for level in WarningLevel.values}
        unanswered = (
            Recipient.objects.filter(organisation=user.organisation, action_at=None, notice__status=Status.PUBLISHED)
            .annotate(due=deadline("delivered_at", windows, "notice__level"))
            .select_related("notice")
        )
        groups.append(
            group(
                "warnings.inbox",
                _("收件箱中待反馈的预警"),
                unanswered,
                reverse("warnings:inbox"),
                lambda r: WorkItem(
                    title=f"{r.notice.reference} {local_field(r.notice, 'title')[:60]}",
                    url=reverse("warnings:inbox_item", args=[r.pk]),
                    due=r.due,
                    detail=r.notice.get_level_display(),
                ),
                due="due",
            )
        )
    return present(*groups)


def case_section(user, case) -> dict | None:
    """The warning part of a risk case's page (issue 26): warnings resting on the case's confirmed assessments,
    and a draft to start for each confirmed assessment that has none yet."""
    if not user.has_permission(Permission.WARNING_VIEW):
        return None
    ids = [info.pk for info in case.items]
    confirmed = (
        Assessment.objects.visible_to(user)
        .filter(Q(case=case.pk) | Q(information__in=ids), status=AssessmentStatus.CONFIRMED)
        .distinct()
    )
    notices = managed(user).filter(assessment__in=confirmed.values("pk")).order_by("lineage_id", "version")
    to_draft = confirmed.exclude(warnings__isnull=False) if user.has_permission(Permission.WARNING_DRAFT) else []
    if not notices and not to_draft:
        return None
    return {"notices": notices, "to_draft": list(to_draft)}
