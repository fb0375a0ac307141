"""All writes of risk information: entry by officers, workflow transitions; each validated, saved and audited."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import audit
from riskgate.core.access import require
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person
from riskgate.core.vocabulary import Urgency

from .enrich import prepare
from .linking import detect_on_commit, mark_pending
from .models import CONTENT_FIELDS, REASON_REQUIRED, TRANSITIONS, RiskInformation, Status, StatusChange

ENTRY_FIELDS = [*CONTENT_FIELDS, "reporter_kind", "reporter_organisation", "organisation"]


def warning_office() -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.WARNING_OFFICE).order_by("pk").first()


def create_information(principal: Principal, *, data: dict, reporter: dict | None = None) -> RiskInformation:
    """Record information entered by an officer (hotline, own findings) or sent by a partner system."""
    require(principal, Permission.INTAKE_INFORMATION_CREATE)
    data = dict(data)
    org = data.get("organisation") or principal.organisation
    if org is None or not Organisation.objects.visible_to(principal).filter(pk=org.pk).exists():
        raise ValidationError({"organisation": [_("负责机构必须在您的辖区之内。")]})
    data["organisation"] = org
    info = RiskInformation(**data, created_by=person(principal))
    for key, value in (reporter or {}).items():
        setattr(info, f"reporter_{key}", value)
    return store_information(principal, info)


def store_information(principal: Principal, info: RiskInformation) -> RiskInformation:
    """Check, enrich, save and audit new information; the caller has authorised it (create_information, or a
    module that produces information itself, such as a non-conforming port inspection)."""
    info.full_clean()
    prepare(info)
    with transaction.atomic():
        info.save()
        mark_pending([info.pk])  # until the detection task (or the scheduler, if the task is lost) makes them
        detect_on_commit([info.pk])
        StatusChange.objects.create(
            information=info, to_status=info.status, actor=person(principal), actor_repr=_repr(principal)
        )
        audit.record(
            actor=principal,
            action="intake.created",
            obj=info,
            changes=audit.diff({}, audit.snapshot(info, ENTRY_FIELDS)),
        )
        if info.urgency == Urgency.URGENT:
            notify_urgent_on_commit(info, warning_office())
    return info


def translate(principal: Principal, info: RiskInformation, *, title_zh: str, description_zh: str) -> RiskInformation:
    """An officer's Chinese version of a foreign item's title and description (issue 26.3): shown to Chinese
    readers beside the original, searched with it; the original text is never changed."""
    require(principal, Permission.INTAKE_INFORMATION_PROCESS)
    if not RiskInformation.objects.visible_to(principal, shared=False).filter(pk=info.pk).exists():
        raise PermissionDenied
    values = {"title_zh": (title_zh or "").strip(), "description_zh": (description_zh or "").strip()}
    if len(values["title_zh"]) > RiskInformation._meta.get_field("title_zh").max_length:
        raise ValidationError({"title_zh": [_("中文标题过长。")]})
    with transaction.atomic():
        info = RiskInformation.objects.select_for_update().get(pk=info.pk)
        before = audit.snapshot(info, values)
        if before == values:
            return info
        for name, value in values.items():
            setattr(info, name, value)
        prepare(info)
        info.save(update_fields=[*values, "search_tokens", "similarity_signature", "triage", "updated_at"])
        audit.record(actor=principal, action="intake.translated", obj=info, changes=audit.diff(before, values))
    return info


def transition(
    principal: Principal, info: RiskInformation, *, to_status: str, reason: str = "", merged_into=None
) -> StatusChange:
    """Move an item along the workflow (Art.13): verify, reject, merge, report upward, request assessment, close."""
    require(principal, Permission.INTAKE_INFORMATION_PROCESS)
    if not RiskInformation.objects.visible_to(principal, shared=False).filter(pk=info.pk).exists():
        raise PermissionDenied
    reason = (reason or "").strip()
    with transaction.atomic():
        info = RiskInformation.objects.select_for_update().get(pk=info.pk)
        if to_status not in TRANSITIONS.get(info.status, set()):
            raise ValidationError(
                {
                    "to_status": [
                        _("不能从“%(from)s”变为“%(to)s”。")
                        % {"from": info.get_status_display(), "to": Status(to_status).label}
                    ]
                }
            )
        if to_status in REASON_REQUIRED and not reason:
            raise ValidationError({"reason": [_("请填写理由。")]})
        if to_status == Status.MERGED:
            if merged_into is None or merged_into.pk == info.pk:
                raise ValidationError({"merged_into": [_("请选择要合并到的另一条风险信息。")]})
            if (
                not RiskInformation.objects.visible_to(principal, shared=False)
                .filter(pk=merged_into.pk)
                .exclude(status=Status.MERGED)
                .exists()
            ):
                raise ValidationError({"merged_into": [_("合并目标不存在、不在您的辖区内或本身已被合并。")]})
        else:
            merged_into = None
        before = info.status
        info.status = to_status
        info.status_since = timezone.now()
        info.save(update_fields=["status", "status_since", "updated_at"])
        change = StatusChange.objects.create(
            information=info,
            from_status=before,
            to_status=to_status,
            actor=person(principal),
            actor_repr=_repr(principal),
            reason=reason,
            merged_into=merged_into,
            at=timezone.now(),
        )
        audit.record(
            actor=principal,
            action=f"intake.{to_status}",
            obj=info,
            reason=reason,
            changes={"status": [before, to_status], **({"merged_into": [None, merged_into.pk]} if merged_into else {})},
        )
        if to_status == Status.REPORTED:
            notify_on_commit(
                info, warning_office(), kind="intake.reported", title=lambda: _("风险信息已上报：%s") % info.title[:120]
            )
    return change


def notify_urgent_on_commit(info: RiskInformation, organisation: Organisation | None) -> None:
    """Urgent information skips the queue: the organisation hears of it as soon as the item is stored."""
    notify_on_commit(info, organisation, kind="intake.urgent", title=lambda: _("紧急风险信息：%s") % info.title[:120])


def notify_on_commit(info: RiskInformation, organisation: Organisation | None, *, kind: str, title: Callable) -> None:
    """Once the transaction commits, queue the in-app and e-mail notification of an organisation about an item;
    `title` builds the title with gettext, in Chinese and in English (core.notifications.in_both)."""
    if organisation is None:
        return
    enqueue_on_commit("riskgate.intake.tasks.notify_about", info.pk, organisation.pk, kind, in_both(title))


def notify_about(info_id: int, organisation_id: int, kind: str, title: str | list[str]) -> bool:
    """Notify an organisation about an item, once per kind of event (a retried task sends nothing more)."""

    organisation = Organisation.objects.get(pk=organisation_id)
    link = reverse("intake:detail", kwargs={"pk": info_id})
    info = RiskInformation.objects.filter(pk=info_id).first()
    if info is None:
        return False
    return notify_organisation(
        organisation=organisation,
        permission=Permission.INTAKE_INFORMATION_VIEW,
        about=info,
        kind=kind,
        title=title,
        link=link,
        object_key=str(info_id),
    )


def _repr(principal: Principal) -> str:
    return audit.actor_fields(principal)["actor_repr"]
