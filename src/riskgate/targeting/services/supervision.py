"""Differential supervision (差别化监管, R-USE-3) as stored data: the policy in force, the enterprises' credit grades
and the commodities' inspection records, turned into the exchange-format policy the screening engine applies
(engine/supervision.py). Every change is audited and bumps the rule-set version, so running workers rebuild
their engine with it (targeting.live)."""

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, recorded
from riskgate.credit import queries as credit_queries
from riskgate.credit import services as credit

from ..engine import FormatError, parse_policy
from ..models import CommodityRecord, InspectionTask, Outcome, SupervisionPolicy, TaskStatus
from .rules import bump

POLICY_FIELDS = (
    "grade_factors",
    "default_grade",
    "commodity_factors",
    "record_tiers",
    "record_window_days",
    "record_min_inspections",
    "random_rate",
    "min_random_rate",
    "random_action",
)
ENGINE_FIELDS = (
    "grade_factors",
    "default_grade",
    "commodity_factors",
    "random_rate",
    "min_random_rate",
    "random_action",
)
DEFAULT_POLICY = {
    "grade_factors": {"advanced": 0.2, "regular": 1.0, "dishonest": 3.0},  # CreditGrade values
    "default_grade": "regular",
    "commodity_factors": {},
    "record_tiers": [[0.05, 1.5], [0.15, 2.5]],
    "record_window_days": 365,
    "record_min_inspections": 20,
    "random_rate": 0.02,
    "min_random_rate": 0.005,
    "random_action": "inspect",
}


def current_policy() -> SupervisionPolicy | None:
    return SupervisionPolicy.objects.order_by("-id").first()


def record_factor(tiers: list, rate: float) -> float:
    """The factor of the highest tier whose non-conformity rate the record reaches (1 below every tier)."""
    factor = 1.0
    for threshold, tier_factor in sorted(tiers):
        if rate >= threshold:
            factor = tier_factor
    return factor


def exchange_policy(policy: SupervisionPolicy, *, with_records: bool = True) -> dict:
    """The policy in the exchange format, with today's credit grades and commodity records filled in (without
    them — with_records=False — when only its rates matter, as when a decision with its stored factor is
    explained)."""
    data = {
        "id": policy.reference,
        "grade_factors": policy.grade_factors,
        "default_grade": policy.default_grade,
        "random_rate": policy.random_rate,
        "min_random_rate": policy.min_random_rate,
        "random_action": policy.random_action,
    }
    if not with_records:
        return data
    grades = {}
    for uscc, customs_code, grade in credit_queries.grades_other_than(policy.default_grade):
        for identifier in (uscc, customs_code):
            if identifier:
                grades[identifier] = grade
    commodity = {}
    for record in CommodityRecord.objects.filter(inspections__gte=policy.record_min_inspections):
        factor = record_factor(policy.record_tiers, record.rate)
        if factor != 1.0:
            commodity[record.hs_heading] = factor
    commodity.update(policy.commodity_factors)  # set by hand: it wins over the computed record
    return {**data, "enterprise_grades": grades, "commodity_factors": commodity}


def _check(data: dict) -> dict:
    unknown = sorted(set(data) - set(POLICY_FIELDS))
    if unknown:
        raise field_error(unknown[0], _("未知的字段。"))
    try:
        parse_policy({"id": "new", **{k: v for k, v in data.items() if k in ENGINE_FIELDS}})
    except FormatError as exc:
        raise field_error(exc.field.split(".")[0], exc.message) from None
    tiers = data.get("record_tiers", [])
    if not isinstance(tiers, list) or not all(
        isinstance(t, list)
        and len(t) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in t)
        and 0 <= t[0] <= 1
        and 0 <= t[1] <= 1000
        for t in tiers
    ):
        raise field_error("record_tiers", _("每一档为 [不合格率 0–1, 系数 0–1000]。"))
    for name in ("record_window_days", "record_min_inspections"):
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "record_window_days" else 0):
            raise field_error(name, _("请填写一个正整数。"))
    return data


@transaction.atomic
def change_policy(principal: Principal, data: dict, *, reason: str) -> SupervisionPolicy:
    """A new version of the policy (the previous stays, for reproducing its selections)."""
    require(principal, Permission.TARGETING_POLICY_MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请说明调整的理由。"))
    previous = current_policy()
    base = {name: getattr(previous, name) for name in POLICY_FIELDS} if previous else dict(DEFAULT_POLICY)
    merged = _check(base | data)
    if previous is not None and merged == base:
        raise field_error("policy", _("调整须至少改变一项内容。"))
    policy = SupervisionPolicy.objects.create(**merged, reason=reason, created_by=recorded(principal))
    bump(timezone.now())
    changes = {k: [base.get(k), v] for k, v in merged.items() if base.get(k) != v}
    audit.record(
        actor=principal,
        action="supervision_policy.changed",
        obj=policy,
        object_repr=policy.reference,
        changes=changes,
        reason=reason,
    )
    return policy


def propose_credit_grade(principal: Principal, enterprise: Organisation, grade: str, *, reason: str):
    """The API's grade change is a proposed override through the credit service: in force (and read by every
    worker's engine through credit's version, targeting.live) once a second officer approves it."""
    return credit.propose_override(principal, enterprise, grade, reason=reason)


def refresh_records(now: dt.datetime | None = None) -> int:
    """Recount the inspection record of every HS heading over the policy's window (a scheduled job and
    `manage.py refresh_commodity_records`); the rule-set version moves only when a record changed. Returns the
    number of headings whose record changed."""
    now = now or timezone.now()
    policy = current_policy()
    window = policy.record_window_days if policy else DEFAULT_POLICY["record_window_days"]
    counts: dict[str, list[int]] = {}
    done = InspectionTask.objects.filter(status=TaskStatus.DONE, completed_at__gte=now - dt.timedelta(days=window))
    for heading, outcome, n in (
        done.annotate(heading=Substr("hs_code", 1, 4))
        .values_list("heading", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        entry = counts.setdefault(heading, [0, 0])
        entry[0] += n
        entry[1] += n if outcome == Outcome.NON_CONFORMING else 0
    changed = 0
    with transaction.atomic():
        existing = {r.hs_heading: r for r in CommodityRecord.objects.select_for_update()}
        for heading, (inspections, bad) in counts.items():
            record = existing.pop(heading, None)
            if record is None:
                CommodityRecord.objects.create(
                    hs_heading=heading, inspections=inspections, nonconformities=bad, computed_at=now
                )
                changed += 1
            elif (record.inspections, record.nonconformities) != (inspections, bad):
                record.inspections, record.nonconformities, record.computed_at = inspections, bad, now
                record.save(update_fields=["inspections", "nonconformities", "computed_at"])
                changed += 1
        stale = CommodityRecord.objects.filter(hs_heading__in=list(existing)).exclude(inspections=0)
        changed += stale.update(inspections=0, nonconformities=0, computed_at=now)
        if changed:
            bump(now)
    return changed
