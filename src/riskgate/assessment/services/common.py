"""Who may act on an assessment, moving it between stages, and telling organisations what happened."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person
from riskgate.core.scoping import ScopeMode

from ..models import (
    OPEN_STATUSES,
    Assessment,
    Step,
)

# ----- who may do what ---------------------------------------------------------------------------------------


def is_participant(principal: Principal, assessment: Assessment) -> bool:
    user = person(principal)
    return user is not None and assessment.participants.filter(pk=user.pk).exists()


def is_authority(principal: Principal, assessment: Assessment) -> bool:
    """The requesting organisation or one above it (by the principal's jurisdiction), with the request permission."""
    if not principal.has_permission(Permission.ASSESSMENT_REQUEST):
        return False
    if principal.scope_mode == ScopeMode.ASSIGNED:
        return False
    return Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists()


def _conducting(principal: Principal, assessment: Assessment) -> Assessment:
    """The assessment locked for an assessor's change: the principal conducts it and it is still open."""
    require(principal, Permission.ASSESSMENT_CONDUCT)
    if not is_participant(principal, assessment):
        raise PermissionDenied
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status not in OPEN_STATUSES:
        raise field_error("status", _("研判已提交或已确认，不能再修改。"))
    return locked


def _authority(principal: Principal, assessment: Assessment) -> Assessment:
    if person(principal) is None or not is_authority(principal, assessment):
        raise PermissionDenied
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _move(principal: Principal, assessment: Assessment, to_status: str, action: str, note: str = "") -> None:
    before = assessment.status
    assessment.status = to_status
    assessment.save()
    Step.objects.create(
        assessment=assessment,
        action=action,
        from_status=before,
        to_status=to_status,
        actor=person(principal),
        note=note,
        at=timezone.now(),
    )
    audit.record(
        actor=principal,
        action=f"assessment.{action}",
        obj=assessment,
        reason=note,
        changes={"status": [before, to_status]} if before != to_status else {},
    )


def sync_participants(assessment: Assessment) -> None:
    """Who may read the assessment as an assignee: the lead, the working group and the seated experts."""
    users = {assessment.lead_id, *assessment.members.values_list("pk", flat=True)}
    users |= set(assessment.panel.exclude(expert__user=None).values_list("expert__user_id", flat=True))
    assessment.participants.set(sorted(users))


# ----- notifications -----------------------------------------------------------------------------------------


def _notify_on_commit(assessment: Assessment, organisation: Organisation | None, kind: str, title: Callable) -> None:
    """Queue a notification; `title` builds it with gettext, in Chinese and in English (core.notifications)."""
    if organisation is None:
        return
    key = f"{assessment.pk}:{timezone.now().timestamp()}"  # one notification per event, however often retried
    enqueue_on_commit("riskgate.assessment.tasks.notify", assessment.pk, organisation.pk, kind, in_both(title), key)


def _notify_panel_on_commit(assessment: Assessment) -> None:
    orgs = {
        seat.expert.user.organisation_id
        for seat in assessment.panel.select_related("expert__user")
        if seat.expert.user_id and seat.expert.user.organisation_id
    }
    for org in Organisation.objects.filter(pk__in=orgs):
        _notify_on_commit(
            assessment, org, "assessment.panel", lambda: _("请对研判报告表态：%s") % assessment.title[:120]
        )


def notify(assessment_id: int, organisation_id: int, kind: str, title: str | list[str], key: str) -> bool:

    organisation = Organisation.objects.get(pk=organisation_id)
    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None:
        return False
    return notify_organisation(
        organisation=organisation,
        permission=Permission.ASSESSMENT_VIEW,
        about=assessment,  # assessors and experts see it only if they take part
        kind=kind,
        title=title,
        link=reverse("assessment:detail", kwargs={"pk": assessment_id}),
        object_key=key,
    )
