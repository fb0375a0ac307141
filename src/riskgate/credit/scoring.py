"""The credit grade computed from credit events (docs/decisions/0020-credit-grade.md): one vectorised
computation that grades one enterprise (a new event) and every enterprise (the nightly decay) alike. No Django.

Each event contributes its type's points × its weight, the weight being 2^(−age / half-life) (1 without a
half-life) until the type's `lasts_days`, then 0. The contributions of one type add up to at most its `cap` (in
absolute value: forty non-conforming inspections are not ten times worse than four — a pattern is met by a
penalty or a downgrade). The internal score is BASE plus the capped sums, held within [0, 100]. The grade
follows the score — below DISHONEST_BELOW dishonest, from ADVANCED_AT advanced if a customs certification
counts, regular otherwise — and never exceeds the lowest ceiling of an event that still counts.
"""

from dataclasses import dataclass

import numpy as np

BASE = 70.0
ADVANCED_AT = 85.0
DISHONEST_BELOW = 50.0
LOWEST, HIGHEST = 0.0, 100.0
DAY = 86_400.0

# Grades as ranks (the order of models.GRADE_ORDER): a ceiling is a rank, NO_CEILING lets every grade through.
DISHONEST, REGULAR, ADVANCED = 0, 1, 2
NO_CEILING = ADVANCED


@dataclass(frozen=True)
class Types:
    """The event types as columns, in the order of `codes` (an event's type is its index here)."""

    codes: list[str]
    points: np.ndarray  # float
    half_life_days: np.ndarray  # float, 0 where the type does not fade
    lasts_days: np.ndarray  # float, inf where the type counts for ever
    ceiling: np.ndarray  # int rank, NO_CEILING where the type sets none
    certifies: np.ndarray  # bool
    cap: np.ndarray  # float, inf where a type's sum is not capped

    @classmethod
    def of(cls, rows: list[tuple]) -> "Types":
        """From (code, points, half_life_days, lasts_days, ceiling rank or None, certifies, cap or None) rows."""
        return cls(
            codes=[r[0] for r in rows],
            points=np.array([r[1] for r in rows], dtype=float),
            half_life_days=np.array([r[2] or 0 for r in rows], dtype=float),
            lasts_days=np.array([np.inf if r[3] is None else r[3] for r in rows], dtype=float),
            ceiling=np.array([NO_CEILING if r[4] is None else r[4] for r in rows], dtype=np.int8),
            certifies=np.array([bool(r[5]) for r in rows], dtype=bool),
            cap=np.array([np.inf if r[6] is None else r[6] for r in rows], dtype=float),
        )


@dataclass(frozen=True)
class Grades:
    score: np.ndarray  # per enterprise
    grade: np.ndarray  # rank per enterprise
    weight: np.ndarray  # per event: how much of its points still count (0: no longer counts)
    contribution: np.ndarray  # per event: points × weight


def weights(types: Types, kind: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """How much of each event still counts at its age (an event dated in the future counts in full)."""
    age = np.maximum(age_days, 0.0)
    half = types.half_life_days[kind]
    fading = np.where(half > 0, np.exp2(-age / np.where(half > 0, half, 1.0)), 1.0)
    return np.where(age < types.lasts_days[kind], fading, 0.0)


def grade(types: Types, enterprise: np.ndarray, kind: np.ndarray, age_days: np.ndarray, count: int) -> Grades:
    """Grades of `count` enterprises from their events: event i belongs to enterprise index `enterprise[i]`, is
    of type index `kind[i]` and is `age_days[i]` old."""
    weight = weights(types, kind, age_days)
    contribution = types.points[kind] * weight
    width = len(types.codes)
    by_type = np.bincount(enterprise * width + kind, weights=contribution, minlength=count * width).reshape(
        count, width
    )
    capped = np.clip(by_type, -types.cap, types.cap).sum(axis=1)
    score = np.clip(BASE + capped, LOWEST, HIGHEST)
    counting = weight > 0
    certified = np.bincount(enterprise[counting & types.certifies[kind]], minlength=count) > 0
    ceiling = np.full(count, NO_CEILING, dtype=np.int8)
    np.minimum.at(ceiling, enterprise[counting], types.ceiling[kind[counting]])
    rank = np.where(score < DISHONEST_BELOW, DISHONEST, np.where((score >= ADVANCED_AT) & certified, ADVANCED, REGULAR))
    return Grades(score=score, grade=np.minimum(rank, ceiling), weight=weight, contribution=contribution)
