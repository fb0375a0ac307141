"""The warning-level proposal (R-WRN-1): risk level, urgency and scope combined into level I–IV by a grading
policy that is data (versioned, validated), never code.

A policy gives points for the risk level, for urgency and for each scope factor that applies (units on the
market, regions, consumers exposed, cross-border), caps the scope points, maps the total to a level by thresholds,
and sets, per risk level, the highest level it may reach (a risk that is only "high" never makes a red warning
however wide it spreads). The proposal keeps every factor and its points, so the report and the confirmer see why.
How the shipped policy was chosen: docs/decisions/0008-warning-level-proposal.md.
"""

from dataclasses import dataclass, field

from riskgate.core.vocabulary import WarningLevel

from .risk import RiskLevel

_SEVERITY = {level: rank for rank, level in enumerate(reversed(WarningLevel))}  # IV 0 … I 3

SCOPE_FACTORS = ("units", "regions", "consumers", "cross_border")
URGENCIES = ("normal", "urgent")  # intake's Urgency values


class PolicyError(ValueError):
    """A grading policy that cannot be applied; the message says which part is wrong."""


@dataclass(frozen=True)
class Scope:
    """影响范围 of a risk: what is known of its spread (None: unknown, which earns no points)."""

    units: int | None = None  # units on the market
    regions: int | None = None  # provinces (or countries) where the product is sold
    consumers: int | None = None  # consumers exposed
    cross_border: bool = False


@dataclass(frozen=True)
class Proposal:
    level: WarningLevel
    score: int
    reasons: dict = field(default_factory=dict)  # factor -> points, and the cap applied, for the report
    policy: str = ""


def validate(policy: dict) -> dict:
    """The policy if it is complete and consistent; otherwise PolicyError naming the fault."""
    try:
        risk = policy["risk_points"]
        urgency = policy["urgency_points"]
        scope = policy["scope"]
        thresholds = policy["thresholds"]
        ceilings = policy["ceilings"]
        version = policy["version"]
        scope_cap = policy["scope_cap"]
    except (KeyError, TypeError) as exc:
        raise PolicyError(f"分级规则缺少部分：{exc}") from exc
    if not version or not isinstance(version, str):
        raise PolicyError("分级规则需要版本号。")
    if set(risk) != set(RiskLevel.values) or set(ceilings) != set(RiskLevel.values):
        raise PolicyError("风险等级分值和上限须覆盖 low / medium / high / serious。")
    if set(urgency) != set(URGENCIES):
        raise PolicyError("紧急程度分值须覆盖 normal / urgent。")
    if set(scope) - set(SCOPE_FACTORS):
        raise PolicyError("未知的影响范围因素：" + ", ".join(sorted(set(scope) - set(SCOPE_FACTORS))))
    for name, rule in scope.items():
        if name != "cross_border" and not (isinstance(rule.get("at_least"), int) and rule["at_least"] > 0):
            raise PolicyError(f"影响范围因素 {name} 需要正整数阈值 at_least。")
        if not isinstance(rule.get("points"), int) or rule["points"] < 0:
            raise PolicyError(f"影响范围因素 {name} 的分值应为非负整数。")
    if set(thresholds) != {"I", "II", "III"}:
        raise PolicyError("阈值须给出 I、II、III 级的最低分（其余为 IV 级）。")
    if not thresholds["I"] > thresholds["II"] > thresholds["III"]:
        raise PolicyError("阈值须满足 I > II > III。")
    if any(level not in WarningLevel.values for level in ceilings.values()):
        raise PolicyError("上限须为 I–IV。")
    ranks = [_SEVERITY[WarningLevel(ceilings[r])] for r in RiskLevel.values]  # low … serious
    points = [risk[r] for r in RiskLevel.values]
    if ranks != sorted(ranks) or points != sorted(points):
        raise PolicyError("风险等级越高，分值和上限不得越低。")
    if not isinstance(scope_cap, int) or scope_cap < 0:
        raise PolicyError("影响范围分值上限应为非负整数。")
    return policy


def propose(policy: dict, risk_level, urgency: str, scope: Scope) -> Proposal:
    """The proposed warning level, with the points of every factor."""
    validate(policy)
    risk_level, urgency = RiskLevel(risk_level), str(urgency)
    if urgency not in URGENCIES:
        raise PolicyError(f"未知的紧急程度：{urgency!r}")
    reasons = {"risk": policy["risk_points"][risk_level], "urgency": policy["urgency_points"][urgency]}
    scope_points = 0
    for name, rule in policy["scope"].items():
        value = getattr(scope, name)
        applies = bool(value) if name == "cross_border" else value is not None and value >= rule["at_least"]
        if applies:
            reasons[name] = rule["points"]
            scope_points += rule["points"]
    if scope_points > policy["scope_cap"]:
        reasons["scope_cap"] = policy["scope_cap"] - scope_points
        scope_points = policy["scope_cap"]
    score = reasons["risk"] + reasons["urgency"] + scope_points
    level = WarningLevel.IV
    for candidate in (WarningLevel.I, WarningLevel.II, WarningLevel.III):
        if score >= policy["thresholds"][candidate]:
            level = candidate
            break
    ceiling = WarningLevel(policy["ceilings"][risk_level])
    if _SEVERITY[level] > _SEVERITY[ceiling]:
        reasons["ceiling"] = ceiling.value
        level = ceiling
    return Proposal(level=level, score=score, reasons=reasons, policy=policy["version"])


# The shipped policy (docs/decisions/0008); an administrator's later versions are stored as data beside it.
DEFAULT_POLICY = {
    "version": "2026-11-default",
    "risk_points": {"low": 1, "medium": 2, "high": 3, "serious": 4},
    "urgency_points": {"normal": 0, "urgent": 1},
    "scope": {
        "units": {"at_least": 100_000, "points": 1},
        "regions": {"at_least": 3, "points": 1},
        "consumers": {"at_least": 100_000, "points": 1},
        "cross_border": {"points": 1},
    },
    "scope_cap": 2,
    "thresholds": {"I": 7, "II": 5, "III": 4},
    "ceilings": {"low": "IV", "medium": "III", "high": "II", "serious": "I"},
}
