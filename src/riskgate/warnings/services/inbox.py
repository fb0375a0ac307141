"""Delivery of published warnings to the organisations concerned (issue 5 item 7): circulars (风险警示通报) to
the inspection bodies, ports, bureaus and partner agencies of the warning's regions (all when nationwide) and the
ports it names; notices (风险警示通告) to the enterprises it names. Each receiving organisation has an inbox with
a read receipt; agencies report the action they took, enterprises acknowledge; silence past the limit is
escalated to the issuing organisation once."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, recorded
from riskgate.core.text import local

from ..models import (
    ANSWER_HOURS,
    PublicationLimit,
    Recipient,
    RecipientKind,
    WarningKind,
    WarningLevel,
    WarningNotice,
    region_prefix,
)

AGENCY_KINDS = [
    OrganisationKind.DIRECT_BUREAU,
    OrganisationKind.INSPECTION_BODY,
    OrganisationKind.PORT,
    OrganisationKind.PARTNER_AGENCY,
]


def _in_regions(regions: list[str]) -> Q:
    if not regions:
        return Q()
    q = Q(pk__in=[])
    for code in regions:
        q |= Q(region__code__startswith=region_prefix(code))
    return q


def addressees(notice: WarningNotice) -> list[tuple[Organisation, str]]:
    found: dict[int, tuple[Organisation, str]] = {}
    if WarningKind.AGENCY_NOTICE in notice.kinds:
        agencies = Organisation.objects.filter(_in_regions(notice.regions), kind__in=AGENCY_KINDS, is_active=True)
        for org in [*agencies, *notice.ports.all()]:
            found[org.pk] = (org, RecipientKind.AGENCY)
    if WarningKind.BUSINESS_NOTICE in notice.kinds:
        for org in notice.enterprises.all():
            found[org.pk] = (org, RecipientKind.ENTERPRISE)
    found.pop(notice.organisation_id, None)
    return list(found.values())


def deliver(notice: WarningNotice) -> int:
    """Put the published version into every addressee's inbox (once) and tell them."""
    created = 0
    for org, kind in addressees(notice):
        try:
            with transaction.atomic():
                recipient = Recipient.objects.create(notice=notice, organisation=org, kind=kind)
        except IntegrityError:
            continue
        created += 1
        link = reverse("warnings:inbox_item", args=[recipient.pk])
        title = in_both(
            lambda: (
                _("风险预警（%(level)s 级）：%(title)s")
                % {"level": notice.level, "title": local(notice, "title")[:100]}
            )
        )
        transaction.on_commit(
            lambda org=org, title=title, link=link, key=f"{recipient.pk}": notify_organisation(
                organisation=org,
                permission=Permission.WARNING_RECEIVE,
                kind="warning.received",
                title=title,
                link=link,
                object_key=key,
            )
        )
    if created:
        audit.record(actor=None, action="warning.delivered", obj=notice, changes=audit.facts(organisations=created))
    return created


def inbox(principal: Principal):
    require(principal, Permission.WARNING_RECEIVE)
    return Recipient.objects.visible_to(principal).select_related("notice", "organisation")


def open_item(principal: Principal, recipient: Recipient) -> Recipient:
    """Reading it as a member of the receiving organisation leaves the read receipt (the first reader, once)."""
    if recipient.read_at is None and principal.organisation_id == recipient.organisation_id:
        with transaction.atomic():
            if Recipient.objects.filter(pk=recipient.pk, read_at=None).update(
                read_at=timezone.now(), read_by=recorded(principal)
            ):
                audit.record(actor=principal, action="warning.read", obj=recipient.notice)
        recipient.refresh_from_db()
    return recipient


@transaction.atomic
def respond(principal: Principal, recipient: Recipient, *, text: str) -> Recipient:
    """The agency's report of the action it took, or the enterprise's acknowledgement."""
    require(principal, Permission.WARNING_RECEIVE)
    if principal.organisation_id != recipient.organisation_id:
        raise field_error("action_taken", _("只有接收机构本身可以反馈。"))
    text = (text or "").strip()
    if recipient.kind == RecipientKind.AGENCY and not text:
        raise field_error("action_taken", _("请填写采取的措施。"))
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    recipient.action_taken = text or _("已知悉，将按通告要求落实。")
    recipient.action_at, recipient.action_by = timezone.now(), recorded(principal)
    if recipient.read_at is None:
        recipient.read_at, recipient.read_by = recipient.action_at, recorded(principal)
    recipient.save()
    audit.record(
        actor=principal,
        action="warning.acknowledged" if recipient.kind == RecipientKind.ENTERPRISE else "warning.action_reported",
        obj=recipient.notice,
        changes=audit.facts(text=recipient.action_taken),
    )
    return recipient


def escalate_unanswered(now: dt.datetime | None = None) -> int:
    """Tell the issuing organisation, once per addressee, who has not answered within the answer window of the
    warning's level (PublicationLimit.answer_hours, data)."""
    now = now or timezone.now()
    windows = dict(PublicationLimit.objects.values_list("level", "answer_hours"))
    late = Q()
    for level in WarningLevel.values:
        hours = windows.get(level, ANSWER_HOURS)
        late |= Q(notice__level=level, delivered_at__lt=now - dt.timedelta(hours=hours))
    due = Recipient.objects.filter(late, action_at=None, escalated_at=None).select_related(
        "notice__organisation", "organisation"
    )
    escalated = 0
    for recipient in due:
        with transaction.atomic():
            if not Recipient.objects.filter(pk=recipient.pk, escalated_at=None).update(escalated_at=now):
                continue
            audit.record(
                actor=None,
                action="warning.answer_overdue",
                obj=recipient.notice,
                changes=audit.facts(organisation=recipient.organisation_id),
            )
        notify_organisation(
            organisation=recipient.notice.organisation,
            permission=Permission.WARNING_DRAFT,
            about=recipient.notice,
            kind="warning.answer_overdue",
            title=in_both(
                lambda recipient=recipient: (
                    _("%(org)s 未在时限内反馈预警 %(ref)s")
                    % {"org": local(recipient.organisation), "ref": recipient.notice.reference}
                )
            ),
            link=reverse("warnings:manage", args=[recipient.notice_id]),
            object_key=str(recipient.pk),
        )
        escalated += 1
    return escalated
