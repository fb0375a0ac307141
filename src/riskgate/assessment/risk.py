"""Quantified risk estimation (R-ASM-4, Art.3) by the EU RAPEX method, and a scale for risks that are not injuries.

An injury scenario is a chain of steps from the product's hazard to an injury; each step has a probability and the
scenario's probability is their product. The scenario's injury has a severity 1–4. The RAPEX matrix (EU Decision
2010/15/EU Annex Part IV, kept by Implementing Decision (EU) 2019/417) turns probability and severity into a risk
level; a product's risk is the highest of its scenarios. Probabilities are exact fractions, so a product of steps
that lands on a band edge (1/10, 1/100…) is on it, not a rounding error away.

Band edges (decided, see docs/decisions/0007-risk-estimation.md): a probability equal to an edge belongs to the
higher band ("≥ 1/10", as the matrix file's labels and the UK implementation read), the more protective reading of
the EU text's "> 1/10"; it changes the result only exactly on an edge.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    """风险等级, lowest first (the order compares levels)."""

    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")
    SERIOUS = "serious", _("严重风险")


_ORDER = {level: rank for rank, level in enumerate(RiskLevel)}


def highest(levels) -> RiskLevel:
    levels = [RiskLevel(level) for level in levels]
    if not levels:
        raise ValueError("no risk level to compare")
    return max(levels, key=_ORDER.__getitem__)


class Severity(models.IntegerChoices):
    """Severity of the injury (伤害严重程度), as the RAPEX guidelines grade it."""

    MINOR = 1, _("1 级：轻微")
    SERIOUS = 2, _("2 级：较重")
    SEVERE = 3, _("3 级：严重")
    FATAL = 4, _("4 级：致命")


# What each severity means (paraphrased from the guidelines' definitions; the examples are theirs in kind).
SEVERITY_DEFINITIONS = {
    Severity.MINOR: _(
        "经基本处理（通常无需医生）即可恢复，不明显妨碍身体功能，也不造成剧烈疼痛；通常完全可逆。"
        "例：浅表割伤、擦伤、一度烫伤、轻微过敏反应。"
    ),
    Severity.SERIOUS: _(
        "需急诊处理但通常不需住院；身体功能在有限时间内（不超过约 6 个月）受影响，基本可完全恢复。"
        "例：较深割伤、骨折（非关键部位）、二度烫伤、脑震荡。"
    ),
    Severity.SEVERE: _(
        "通常需住院治疗，身体功能受影响超过 6 个月，或造成永久性功能丧失。"
        "例：严重骨折、失去手指或脚趾、部分视力或听力丧失、三度烫伤（小面积）。"
    ),
    Severity.FATAL: _(
        "致命或可能致命，或造成丧失生育能力、超过约 10% 的永久性残疾。"
        "例：窒息、触电死亡、严重中毒、大面积烧伤、截肢、失明。"
    ),
}


class VulnerableGroup(models.TextChoices):
    """Who is injured in the scenario (易受伤害消费者). The group is stated with the scenario, and its behaviour
    enters the step probabilities; the level is not raised mechanically (docs/decisions/0007)."""

    GENERAL = "general", _("一般成年消费者")
    VULNERABLE = "vulnerable", _("易受伤害：3–14 岁儿童、老年人、身体或精神能力受限者")
    VERY_VULNERABLE = "very_vulnerable", _("极易受伤害：36 个月以下婴幼儿、重度残疾者")


# Lower edges of the probability bands, highest first; a probability at or above an edge is in its band.
BAND_EDGES = tuple(Fraction(1, n) for n in (2, 10, 100, 1_000, 10_000, 100_000, 1_000_000))
BAND_LABELS = ("≥ 1/2", "≥ 1/10", "≥ 1/100", "≥ 1/1,000", "≥ 1/10,000", "≥ 1/100,000", "≥ 1/1,000,000", "< 1/1,000,000")

_L, _M, _H, _S = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.SERIOUS
# One row per band (BAND_LABELS), one column per severity 1–4.
MATRIX = (
    (_H, _S, _S, _S),
    (_M, _S, _S, _S),
    (_M, _S, _S, _S),
    (_L, _H, _S, _S),
    (_L, _M, _H, _S),
    (_L, _L, _M, _H),
    (_L, _L, _L, _M),
    (_L, _L, _L, _L),
)


def probability(value) -> Fraction:
    """An exact probability in (0, 1] from a Fraction, an int, a decimal string ("0.02"), a fraction ("1/50"), a
    percentage ("2%") or "1 in 50"; anything else is refused with the reason."""
    try:
        if isinstance(value, Fraction | int):
            p = Fraction(value)
        elif isinstance(value, float):
            p = Fraction(str(value))
        else:
            text = str(value).strip().replace(" ", "").replace(",", "")
            if text.lower().startswith("1in"):
                p = Fraction(1, int(text[3:]))
            elif text.endswith("%"):
                p = Fraction(text[:-1]) / 100
            else:
                p = Fraction(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"概率无法识别：{value!r}（例：1/50、0.02、2%、1 in 50）") from exc
    if not 0 < p <= 1:
        raise ValueError(f"概率应大于 0 且不大于 1：{value!r}")
    return p


def band(p) -> int:
    """The row of the matrix for a probability (0 = the highest band)."""
    p = probability(p)
    for index, edge in enumerate(BAND_EDGES):
        if p >= edge:
            return index
    return len(BAND_EDGES)


def risk_level(p, severity) -> RiskLevel:
    """The matrix's level for a probability of harm and a severity 1–4."""
    severity = int(severity)
    if severity not in Severity.values:
        raise ValueError(f"伤害严重程度应为 1–4：{severity!r}")
    return MATRIX[band(p)][severity - 1]


@dataclass
class Step:
    description: str
    probability: Fraction

    def __post_init__(self):
        self.probability = probability(self.probability)


@dataclass
class Scenario:
    """One way the product injures someone: the steps that lead there and how bad the injury is."""

    description: str
    severity: int
    steps: list[Step] = field(default_factory=list)
    vulnerable_group: str = VulnerableGroup.GENERAL

    def __post_init__(self):
        if int(self.severity) not in Severity.values:
            raise ValueError(f"伤害严重程度应为 1–4：{self.severity!r}")
        if not self.steps:
            raise ValueError("伤害情景至少需要一个步骤。")
        self.steps = [s if isinstance(s, Step) else Step(*s) for s in self.steps]

    @property
    def probability(self) -> Fraction:
        p = Fraction(1)
        for step in self.steps:
            p *= step.probability
        return p

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.probability, self.severity)


def product_risk(scenarios: list[Scenario]) -> tuple[RiskLevel, Scenario]:
    """The product's risk is that of its worst scenario (the first of equals); returns it with that scenario."""
    if not scenarios:
        raise ValueError("至少需要一个伤害情景。")
    worst = max(scenarios, key=lambda s: _ORDER[s.level])
    return worst.level, worst


# ----- risks that are not injuries: environment, property, fraud, trade interests ----------------------------


class NonInjuryRisk(models.TextChoices):
    ENVIRONMENT = "environment", _("环境")
    PROPERTY = "property", _("财产")
    FRAUD = "fraud", _("欺诈")
    TRADE = "trade", _("贸易利益")


class Likelihood(models.IntegerChoices):
    VERY_UNLIKELY = 1, _("极不可能")
    UNLIKELY = 2, _("不太可能")
    POSSIBLE = 3, _("可能")
    LIKELY = 4, _("很可能")
    VERY_LIKELY = 5, _("几乎肯定")


class Impact(models.IntegerChoices):
    MINOR = 1, _("轻微：局部、短期、易于纠正")
    MODERATE = 2, _("中等：一个地区或一类商品，可在数月内纠正")
    MAJOR = 3, _("重大：多个地区或跨境，纠正代价高")
    SEVERE = 4, _("特别重大：不可逆，或全国性、系统性")


# One row per impact 1–4, one column per likelihood 1–5 (docs/decisions/0007): monotone in both, and "serious"
# only where the harm is at least major and at least likely, or severe and at least possible.
QUALITATIVE = (
    (_L, _L, _L, _M, _M),
    (_L, _L, _M, _H, _H),
    (_L, _M, _H, _S, _S),
    (_M, _H, _S, _S, _S),
)


def qualitative_level(likelihood, impact) -> RiskLevel:
    likelihood, impact = int(likelihood), int(impact)
    if likelihood not in Likelihood.values or impact not in Impact.values:
        raise ValueError(f"可能性应为 1–5、影响程度应为 1–4：{likelihood!r}, {impact!r}")
    return QUALITATIVE[impact - 1][likelihood - 1]
