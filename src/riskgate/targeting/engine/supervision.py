"""Differential supervision (差别化监管, R-USE-3) in the exchange format: how strongly an item is sampled depends on
its enterprises' credit grades and on its commodity's inspection record, and a random selection keeps inspecting
a share of the items no rule hits (ASYCUDA-style), so blind spots are found. Pure Python, no Django.

A policy (docs/screening-format.md):
  {"id", "grade_factors": {grade: factor}, "default_grade", "enterprise_grades": {enterprise id: grade},
   "commodity_factors": {HS prefix: factor}, "random_rate", "min_random_rate", "random_action"}

The factor of an item is the largest grade factor among its enterprises (an enterprise without a grade, or an
item without enterprises, has the default grade) times the factor of the longest HS prefix in
`commodity_factors` that starts its code (1 when none does).
  * A "sample" rule selects an item at min(1, sampling_rate × factor).
  * An item no rule hits is selected at random at max(min_random_rate, min(1, random_rate × factor)); the
    result then carries `"random": true`, no matched rules, and the policy's `random_action`.
Both selections are pure functions of (declaration, item, rule id or "random:" + policy id) — exchange.selected —
so an audit can reproduce every one of them from the stored item and the policy's version.
"""

import math
from dataclasses import dataclass

from .exchange import _DIGITS, ACTIONS, FormatError

POLICY_FIELDS = frozenset(
    {
        "id",
        "grade_factors",
        "default_grade",
        "enterprise_grades",
        "commodity_factors",
        "random_rate",
        "min_random_rate",
        "random_action",
    }
)
MAX_FACTOR = 1000.0


@dataclass(frozen=True, slots=True)
class Policy:
    id: str | int
    grade_factors: dict  # grade -> factor
    default_grade: str
    enterprise_grades: dict  # enterprise id -> grade
    commodity_factors: dict  # HS prefix -> factor
    random_rate: float
    min_random_rate: float
    random_action: str

    @property
    def random_key(self) -> str:
        """The rule id under which the random selection is drawn (exchange.selected)."""
        return f"random:{self.id}"

    def grade_factor(self, enterprise_ids) -> float:
        factors = self.grade_factors
        default = factors[self.default_grade]
        if not enterprise_ids:
            return default
        grades = self.enterprise_grades
        return max(factors[grades.get(e, self.default_grade)] for e in enterprise_ids)

    def commodity_factor(self, hs_code: str) -> float:
        for length in range(len(hs_code), 1, -1):
            factor = self.commodity_factors.get(hs_code[:length])
            if factor is not None:
                return factor
        return 1.0

    def factor(self, item) -> float:
        return self.grade_factor(item.enterprise_ids) * self.commodity_factor(item.hs_code)

    def sample_rate(self, rate: float, factor: float) -> float:
        return min(1.0, rate * factor)

    def random_selection_rate(self, factor: float) -> float:
        return max(self.min_random_rate, min(1.0, self.random_rate * factor))


def _factor(value, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FormatError(field, "expected a number")
    if not 0 <= value <= MAX_FACTOR:
        raise FormatError(field, f"expected a factor between 0 and {MAX_FACTOR:g}, got {value}")
    return float(value)


def _rate(data: dict, field: str) -> float:
    value = data.get(field, 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise FormatError(field, f"expected a rate between 0 and 1, got {value!r}")
    return float(value)


def _object(data: dict, field: str) -> dict:
    value = data.get(field, {})
    if not isinstance(value, dict):
        raise FormatError(field, "expected a JSON object")
    return value


def parse_policy(data) -> Policy:
    if not isinstance(data, dict):
        raise FormatError("policy", "expected a JSON object")
    unknown = sorted(set(data) - POLICY_FIELDS)
    if unknown:
        raise FormatError(unknown[0], f"unknown field (the fields of a policy are: {', '.join(sorted(POLICY_FIELDS))})")
    policy_id = data.get("id")
    if isinstance(policy_id, bool) or not isinstance(policy_id, str | int) or policy_id == "":
        raise FormatError("id", "expected a non-empty string or an integer")
    grade_factors = {}
    for grade, value in _object(data, "grade_factors").items():
        if not grade.strip():
            raise FormatError("grade_factors", "a grade needs a name")
        grade_factors[grade] = _factor(value, f"grade_factors.{grade}")
    default = data.get("default_grade")
    if not isinstance(default, str) or default not in grade_factors:
        raise FormatError("default_grade", f"expected one of the grades in grade_factors, got {default!r}")
    grades = {}
    for enterprise, grade in _object(data, "enterprise_grades").items():
        if not isinstance(grade, str) or grade not in grade_factors:
            raise FormatError(f"enterprise_grades.{enterprise}", f"unknown grade {grade!r}")
        grades[enterprise] = grade
    commodity = {}
    for prefix, value in _object(data, "commodity_factors").items():
        if not _DIGITS.fullmatch(prefix) or not 2 <= len(prefix) <= 10:
            raise FormatError(f"commodity_factors.{prefix}", "an HS prefix is 2–10 digits")
        commodity[prefix] = _factor(value, f"commodity_factors.{prefix}")
    action = data.get("random_action", "inspect")
    if action not in ACTIONS:
        raise FormatError("random_action", f"expected one of {', '.join(ACTIONS)}, got {action!r}")
    random_rate, min_random_rate = _rate(data, "random_rate"), _rate(data, "min_random_rate")
    return Policy(
        id=policy_id,
        grade_factors=grade_factors,
        default_grade=default,
        enterprise_grades=grades,
        commodity_factors=commodity,
        random_rate=random_rate,
        min_random_rate=min_random_rate,
        random_action=action,
    )
