"""The outside channels of intake: the public report without an account (Art.11) and enterprise reports (Art.12)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import audit, ratelimit
from riskgate.core.models import Region
from riskgate.core.permissions import Permission
from riskgate.core.vocabulary import Urgency

from .enrich import prepare
from .evidence import attach
from .linking import detect_on_commit
from .models import Channel, ReporterKind, RiskInformation, SourceType, StatusChange
from .services import notify_urgent_on_commit, warning_office

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


class Throttled(Exception):
    """Too many requests from one address."""


@dataclass(frozen=True)
class Receipt:
    number: str
    secret: str  # shown once to the reporter; only its hash is kept


def jurisdiction_for_region(region: Region | None) -> Organisation | None:
    """The direct bureau whose region is the most specific one containing the given region; else the warning office."""
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    bureaus = {
        o.region_id: o
        for o in Organisation.objects.filter(kind=OrganisationKind.DIRECT_BUREAU, region_id__in=codes, is_active=True)
    }
    for code in codes:
        if code in bureaus:
            return bureaus[code]
    return warning_office()


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:receipt:{secret}".encode()).hexdigest()


def _random(n: int) -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(n))


def submit_public_report(
    *, data: dict, reporter: dict, region: Region | None, wants_reward: bool, ip: str | None, files=()
) -> tuple[RiskInformation, Receipt]:
    """A report from anyone, with no account. Personal data are encrypted; a receipt lets the reporter follow it."""
    if not ratelimit.hit("public_report", ip, limit=settings.PUBLIC_REPORTS_PER_HOUR, window_seconds=3600):
        raise Throttled
    org = jurisdiction_for_region(region)
    if org is None:
        raise ValidationError(_("系统尚未配置受理机构，请稍后再试。"))
    identified = any(reporter.get(k) for k in ("name", "phone", "email"))
    info = RiskInformation(
        **data,
        channel=Channel.PUBLIC_FORM,
        organisation=org,
        reporter_kind=ReporterKind.PERSON if identified else ReporterKind.ANONYMOUS,
        reporter_name=reporter.get("name", ""),
        reporter_phone=reporter.get("phone", ""),
        reporter_email=reporter.get("email", ""),
        reward_eligible=bool(wants_reward and identified),
        source_data={"region": region.code if region else ""},
    )
    info.full_clean()
    prepare(info)
    secret = _random(8)
    with transaction.atomic():
        info.receipt = f"R{timezone.localdate():%y%m}{_random(6)}"
        info.receipt_secret_hash = _secret_hash(secret)
        info.save()
        detect_on_commit([info.pk])
        StatusChange.objects.create(information=info, to_status=info.status, actor_repr="public")
        if files:
            attach(info, list(files))
        audit.record(
            actor=None,
            action="intake.public_report",
            obj=info,
            changes=audit.facts(channel="public_form", region=info.source_data["region"]),
        )
        if info.urgency == Urgency.URGENT:
            # Urgent information skips the queue: the responsible bureau and the warning office hear at once.
            for recipient in {org, warning_office()} - {None}:
                notify_urgent_on_commit(info, recipient)
    return info, Receipt(info.receipt, secret)


def lookup_receipt(*, number: str, secret: str, ip: str | None) -> RiskInformation | None:
    """The report a receipt and its secret code belong to; None when either is wrong (no hint which)."""
    if not ratelimit.hit("receipt_lookup", ip, limit=settings.RECEIPT_LOOKUPS_PER_HOUR, window_seconds=3600):
        raise Throttled
    info = RiskInformation.objects.filter(receipt=(number or "").strip().upper()).first()
    if info is None or not hmac.compare_digest(info.receipt_secret_hash, _secret_hash((secret or "").strip().upper())):
        return None
    return info


def submit_enterprise_report(user, *, data: dict) -> RiskInformation:
    """An enterprise reports a risk it found, in writing, with the control measures taken (Art.12)."""
    if not user.has_permission(Permission.INTAKE_ENTERPRISE_REPORT):
        raise PermissionDenied
    enterprise = user.organisation
    if enterprise is None or enterprise.kind != OrganisationKind.ENTERPRISE:
        raise PermissionDenied
    supervisor = enterprise.parent or warning_office()
    info = RiskInformation(
        **data,
        source_type=SourceType.ENTERPRISE_REPORT,
        channel=Channel.ENTERPRISE_PORTAL,
        organisation=supervisor,
        reporter_kind=ReporterKind.ORGANISATION,
        reporter_organisation=enterprise,
        reporter_name=user.full_name or user.get_username(),
        reporter_phone=user.phone,
        reporter_email=user.email,
        created_by=user,
    )
    info.full_clean()
    prepare(info)
    with transaction.atomic():
        info.save()
        detect_on_commit([info.pk])
        StatusChange.objects.create(information=info, to_status=info.status, actor=user, actor_repr=user.get_username())
        audit.record(actor=user, action="intake.enterprise_report", obj=info, changes=audit.facts(urgency=info.urgency))
        if info.urgency == Urgency.URGENT:
            notify_urgent_on_commit(info, supervising_bureau(supervisor) or supervisor)
    return info


def supervising_bureau(org: Organisation | None) -> Organisation | None:
    """The direct bureau at or above an organisation."""
    if org is None:
        return None
    ids = [int(x) for x in org.path.strip("/").split("/") if x]
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.DIRECT_BUREAU).first()
