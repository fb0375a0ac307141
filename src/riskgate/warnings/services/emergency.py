"""Emergency warnings confirmed afterwards (Art.18–19). A warning issued by the emergency path carries a
follow-up: its assessment requested within the level's limit (at once when the limit is 0), the warning then
confirmed, adjusted or lifted on the confirmed assessment within the second limit. Until a published version cites
the confirmed assessment, every page, feed and inbox shows the warning as pending confirmation. The deadline job
reminds the issuer before the request is due and escalates to the issuer's superior once per breach; it leaves
confirmed and lifted warnings alone."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riskgate.assessment.models import Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person

from ..models import FollowUp, Path, PublicationLimit, Status, WarningNotice

LIMIT_DEFAULTS = {"emergency_request_hours": 24, "emergency_confirm_hours": 240}


def _limits(level: str) -> tuple[int, int]:
    row = PublicationLimit.objects.filter(level=level).values("emergency_request_hours", "emergency_confirm_hours")
    values = row.first() or LIMIT_DEFAULTS
    return values["emergency_request_hours"], values["emergency_confirm_hours"]


def confirmable(assessment: Assessment | None) -> bool:
    return assessment is not None and assessment.status == AssessmentStatus.CONFIRMED


def on_publish(notice: WarningNotice, now: dt.datetime) -> None:
    """At publication (or lifting) of an emergency version: a version that cites a confirmed assessment confirms
    the warning and closes its follow-up; the lineage's first pending version opens the follow-up."""
    if notice.path != Path.EMERGENCY:
        return
    if notice.confirmed_at is None and confirmable(notice.assessment):
        notice.confirmed_at = now
        notice.save(update_fields=["confirmed_at"])
        follow_up = FollowUp.objects.select_for_update().filter(warning_id=notice.lineage_id).first()
        if follow_up is not None and follow_up.closed_at is None:
            follow_up.closed_at, follow_up.closed_by = now, notice
            follow_up.save(update_fields=["closed_at", "closed_by", "updated_at"])
        audit.record(
            actor=None,
            action="warning.confirmed_on_assessment",
            obj=notice,
            changes=audit.facts(assessment=notice.assessment.reference),
        )
        return
    if notice.confirmed_at is None and notice.status == Status.PUBLISHED:
        request_hours, confirm_hours = _limits(notice.level)
        follow_up, created = FollowUp.objects.get_or_create(
            warning_id=notice.lineage_id,
            defaults={
                "organisation": notice.organisation,
                "request_due_at": now + dt.timedelta(hours=request_hours),
                "confirm_due_at": now + dt.timedelta(hours=confirm_hours),
                "assessment": notice.assessment,
                "requested_at": now if notice.assessment_id else None,
            },
        )
        if created and follow_up.requested_at is None:
            _remind(follow_up, now)


def close_on_lift(cancel: WarningNotice, now: dt.datetime) -> None:
    """A lifted warning needs no confirmation any more: its follow-up closes with the Cancel version."""
    FollowUp.objects.filter(warning_id=cancel.lineage_id, closed_at__isnull=True).update(
        closed_at=now, closed_by=cancel, updated_at=now
    )


def _tell(follow_up: FollowUp, organisations, kind: str, title: list[str]) -> bool:
    told = False
    for organisation in organisations:
        told |= notify_organisation(
            organisation=organisation,
            permission=Permission.WARNING_DRAFT,
            about=follow_up.warning,
            kind=kind,
            title=title,
            link=reverse("warnings:manage", kwargs={"pk": follow_up.warning_id}),
            object_key=str(follow_up.pk),
        )
    return told


def confirmed_version(assessment: Assessment) -> Assessment | None:
    """The confirmed version of an assessment's lineage in force (the one given, or its re-assessment)."""
    return Assessment.objects.filter(lineage_id=assessment.lineage_id, status=AssessmentStatus.CONFIRMED).first()


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _remind(follow_up: FollowUp, now: dt.datetime) -> None:
    title = in_both(
        lambda: (
            _("紧急预警 %(ref)s 须在 %(due)s 前提请研判")
            % {"ref": follow_up.warning.reference, "due": _when(follow_up.request_due_at)}
        )
    )
    _tell(follow_up, [follow_up.organisation], "warning.emergency_request_due", title)
    follow_up.reminded_at = now
    follow_up.save(update_fields=["reminded_at", "updated_at"])


@transaction.atomic
def link_assessment(principal: Principal, notice: WarningNotice, assessment: Assessment) -> FollowUp:
    """Record the assessment requested for a pending emergency warning (one already in progress, or one just
    requested): the request is then no longer missing."""
    require(principal, Permission.WARNING_DRAFT)
    require_person(principal)
    if not WarningNotice.objects.visible_to(principal).filter(pk=notice.pk).exists():
        raise PermissionDenied
    follow_up = FollowUp.objects.select_for_update().filter(warning_id=notice.lineage_id).first()
    if follow_up is None or follow_up.closed_at is not None:
        raise field_error("assessment", _("只有待确认的紧急预警需要关联研判。"))
    if not Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists():
        raise field_error("assessment", _("请选择本辖区内的研判。"))
    if assessment.status == AssessmentStatus.SUPERSEDED:
        raise field_error("assessment", _("该研判已被新版本取代，请关联当前版本。"))
    before = follow_up.assessment.reference if follow_up.assessment_id else ""
    follow_up.assessment = assessment
    follow_up.requested_at = follow_up.requested_at or timezone.now()
    follow_up.save(update_fields=["assessment", "requested_at", "updated_at"])
    audit.record(
        actor=principal,
        action="warning.emergency_assessment_linked",
        obj=follow_up.warning,
        changes={"assessment": [before, assessment.reference]},
    )
    return follow_up


def open_follow_ups():
    return FollowUp.objects.filter(closed_at__isnull=True).select_related(
        "warning", "organisation__parent", "assessment"
    )


def watch(now: dt.datetime | None = None) -> dict:
    """The scheduled follow-up of emergency warnings: remind the issuer once when a quarter of the request window
    is left; escalate to the issuer and its superior once when the request is missing past its limit, and once
    when the warning is not confirmed by its limit. Running it again sends nothing more."""
    now = now or timezone.now()
    counts = {"reminded": 0, "request_escalated": 0, "confirm_escalated": 0}
    for follow_up in open_follow_ups():
        issuer = follow_up.organisation
        if follow_up.assessment_id and confirmed_version(follow_up.assessment) is not None:
            title = in_both(
                lambda follow_up=follow_up: (
                    _("紧急预警 %s 的研判已确认：请确认、调整或解除预警") % follow_up.warning.reference
                )
            )
            _tell(follow_up, [issuer], "warning.emergency_assessment_confirmed", title)
        above = [o for o in (issuer, issuer.parent) if o is not None]
        with transaction.atomic():
            follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            if follow_up.closed_at is not None:
                continue
            window = follow_up.request_due_at - follow_up.warning.published_at
            if follow_up.requested_at is None:
                if follow_up.reminded_at is None and now >= follow_up.request_due_at - window / 4:
                    _remind(follow_up, now)
                    counts["reminded"] += 1
                title = gettext_lazy("督办：紧急预警 %(ref)s 未在 %(due)s 前提请研判")
                if _escalate(follow_up, above, now, "request", "warning.emergency_request_overdue", title):
                    counts["request_escalated"] += 1
            title = gettext_lazy("督办：紧急预警 %(ref)s 未在 %(due)s 前事后确认")
            if _escalate(follow_up, above, now, "confirm", "warning.emergency_confirmation_overdue", title):
                counts["confirm_escalated"] += 1
    return counts


def _escalate(follow_up: FollowUp, above: list, now: dt.datetime, step: str, kind: str, title) -> bool:
    """Escalate a breach of the `step` limit ("request" or "confirm") once: told to the issuer and its superior,
    recorded on the follow-up (`<step>_escalated_at`) and audited. False when not due or already done."""
    due, done = getattr(follow_up, f"{step}_due_at"), f"{step}_escalated_at"
    if getattr(follow_up, done) is not None or now <= due:
        return False
    _tell(follow_up, above, kind, in_both(lambda: str(title) % {"ref": follow_up.warning.reference, "due": _when(due)}))
    setattr(follow_up, done, now)
    follow_up.save(update_fields=[done, "updated_at"])
    audit.record(actor=None, action=kind, obj=follow_up.warning)
    return True
