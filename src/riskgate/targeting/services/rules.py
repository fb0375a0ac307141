"""Every write of control rules: issue, change (a new version), retire — authorised, scoped, audited — and the
rule-set version that tells running workers to rebuild their engine (targeting.live)."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, recorded
from riskgate.warnings.queries import basis_for

from ..engine.exchange import FormatError, parse_rule
from ..models import CRITERIA, ControlRule, PortOffice, RuleSetState, RuleStatus
from . import retro


def bump(now: dt.datetime) -> None:
    """Count a change of what screening applies — rules, policy, grades, records (inside the caller's
    transaction: visible when it commits)."""
    updated = RuleSetState.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    if not updated:
        RuleSetState.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})


TIMES = ("valid_from", "valid_to")


def _criteria(data: dict) -> dict:
    """The criteria of a rule, checked by the exchange format; a refusal names the field."""
    unknown = sorted(set(data) - set(CRITERIA))
    if unknown:
        raise field_error(unknown[0], _("未知的字段。"))
    exchange = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in data.items() if v is not None}
    try:
        parse_rule({"id": "new", **exchange})
    except FormatError as exc:
        raise field_error(exc.field.split("[")[0], exc.message) from None
    # The validity times arrive as text through the API: stored (and read back by to_exchange) as datetimes.
    return {
        name: parse_datetime(value) if name in TIMES and isinstance(value, str) else value
        for name, value in ((name, data.get(name)) for name in CRITERIA if name in data)
    }


def _own(principal: Principal, rule: ControlRule) -> ControlRule:
    rule = ControlRule.objects.visible_to(principal).filter(pk=rule.pk).first()
    if rule is None:
        raise field_error("rule", _("该布控规则不在您的辖区内。"))
    return rule


def _record(principal: Principal, rule: ControlRule, action: str, reason: str = "") -> None:
    audit.record(
        actor=principal,
        action=f"control_rule.{action}",
        obj=rule,
        object_repr=rule.reference,
        changes=rule.to_exchange(),
        reason=reason,
        organisation_id=rule.organisation_id,
    )


@transaction.atomic
def issue(principal: Principal, data: dict, *, warning=None, executing=(), reason: str = "") -> ControlRule:
    """A new control rule from the principal's organisation, optionally from a warning (its agency notice)."""
    require(principal, Permission.TARGETING_RULE_MANAGE)
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        raise field_error("organisation", _("只有机构人员才能下达布控规则。"))
    if warning is not None:
        if not basis_for(principal).filter(pk=warning.pk).exists():
            raise field_error("warning", _("该预警不在您的辖区内，也未发送给您的单位。"))
        if not warning.is_live or "agency_notice" not in warning.kinds:
            raise field_error("warning", _("布控规则只能依据已发布的风险警示通报下达。"))
    rule = ControlRule(
        **_criteria(data),
        warning=warning,
        organisation=organisation,
        created_by=recorded(principal),
        reason=(reason or "").strip(),
    )
    rule.save()
    rule.start_lineage()
    rule.executing.set(executing)
    now = timezone.now()
    bump(now)
    _record(principal, rule, "issued", rule.reason)
    retro.queue(rule)
    return rule


@transaction.atomic
def investigate(
    principal: Principal, data: dict, *, since: dt.datetime, until: dt.datetime, executing=(), reason: str = ""
) -> ControlRule:
    """An investigation of the same products, industry or region over a past period (Art.22): its scope as rule
    criteria that are never screened live (status investigation), retro-screened over the declaration history of
    the period — which opens follow-up tasks at the ports for the past declarations it finds."""
    require(principal, Permission.TARGETING_RULE_MANAGE)
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        raise field_error("organisation", _("只有机构人员才能开展追溯调查。"))
    if not since < until:
        raise field_error("investigation_from", _("调查期间的开始须早于结束。"))
    rule = ControlRule(
        **_criteria({**data, "action": "inspect"}),
        status=RuleStatus.INVESTIGATION,
        organisation=organisation,
        created_by=recorded(principal),
        reason=(reason or "").strip(),
    )
    rule.save()
    rule.start_lineage()
    rule.executing.set(executing)
    _record(principal, rule, "investigation_opened", rule.reason)
    retro.queue(rule, since=since, until=until)
    return rule


@transaction.atomic
def change(principal: Principal, rule: ControlRule, data: dict, *, reason: str) -> ControlRule:
    """A new version with the changed criteria; the old version is superseded in the same transaction."""
    require(principal, Permission.TARGETING_RULE_MANAGE)
    rule = _own(principal, rule)
    if rule.status != RuleStatus.ACTIVE:
        raise field_error("status", _("只能调整生效中的布控规则。"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请说明调整的理由。"))
    before = {name: getattr(rule, name) for name in CRITERIA}
    criteria = _criteria(before | data)
    if criteria == before:
        raise field_error("rule", _("调整须至少改变一项条件。"))
    new = rule.supersede(
        **criteria,
        warning=rule.warning,
        organisation=rule.organisation,
        created_by=recorded(principal),
        reason=reason,
    )
    new.save()
    new.executing.set(rule.executing.all())
    now = timezone.now()
    rule.status, rule.ended_at = RuleStatus.SUPERSEDED, now
    rule.save(update_fields=["status", "ended_at"])
    bump(now)
    _record(principal, new, "changed", reason)
    retro.queue(new)
    return new


@transaction.atomic
def retire(principal: Principal, rule: ControlRule, *, reason: str) -> ControlRule:
    require(principal, Permission.TARGETING_RULE_MANAGE)
    rule = _own(principal, rule)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请说明撤销的理由。"))
    if rule.status != RuleStatus.ACTIVE:
        raise field_error("status", _("只能撤销生效中的布控规则。"))
    _end(principal, rule, reason, timezone.now())
    return rule


def _end(principal: Principal, rule: ControlRule, reason: str, now: dt.datetime) -> None:
    rule.status, rule.ended_at = RuleStatus.RETIRED, now
    rule.save(update_fields=["status", "ended_at"])
    bump(now)
    _record(principal, rule, "retired", reason)


def retire_for_warning(principal: Principal, lineage_id: int, reference: str, now: dt.datetime, *, keep=()) -> int:
    """Lifting a warning retires the active rules issued from any of its versions (response.services.lifting),
    but those in `keep` (the rules of measures that continue after the lifting)."""
    rules = ControlRule.objects.filter(warning__lineage_id=lineage_id).exclude(lineage_id__in=list(keep))
    return retire_rules(principal, rules, _("预警 %s 已解除") % reference, now)


def retire_rules(principal: Principal, rules, reason: str, now: dt.datetime) -> int:
    """Retire the active ones among the given rules and the later versions of their lineages (what ends with a
    lifted warning or measure); returns how many."""
    lineages = {rule.lineage_id for rule in rules}
    active = list(ControlRule.objects.filter(lineage_id__in=lineages, status=RuleStatus.ACTIVE))
    for rule in active:
        _end(principal, rule, reason, now)
    return len(active)


def criteria_from_warning(warning) -> dict:
    """What an agency notice says of the goods, as rule criteria for the officer to review: its HS codes, origin
    countries, brands and models (as keywords), enterprises, ports (their port codes) and validity."""

    enterprises = [org.customs_code or org.uscc for org in warning.enterprises.all() if org.customs_code or org.uscc]
    ports = list(PortOffice.objects.filter(organisation__in=warning.ports.all()).values_list("code", flat=True))
    return {
        "direction": "import",
        "hs_prefixes": [code for code in warning.hs_codes if 2 <= len(code) <= 10],
        "origin_countries": list(warning.origin_countries),
        "enterprise_ids": enterprises,
        "ports": ports,
        "keywords": [*warning.brands, *warning.product_models][:20],
        "valid_to": warning.valid_until,
        "action": "inspect",
    }
