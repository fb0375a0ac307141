"""The system of the Robert Koch Institute (RKI 1–3), as the reference `algo.rki` computes it.

The reference values are those of the Bayes system (`common.past_windows`: windows around the same week 1…b
years back and, with `actY`, the w weeks before; the reference's default b=2, w=4, actY=FALSE is "RKI 3"). Their
mean m decides the bound: the upper limit of the 95 % confidence interval for a Poisson mean from the table of
Sachs (Angewandte Statistik, 1991, p. 446), read at the whole part of m. That table's limits are those of Crow and
Gardner (1959, Biometrika 46: 441–453), whose intervals invert acceptance regions of the shortest length: the upper
limit for a count x is the smallest mean at which a shortest acceptance region (consecutive counts holding at
least 95 % of the probability) can start at x + 1. We compute them from that definition and round them, as the
table prints them, to three decimals (x = 0…4 give 3.285, 5.323, 6.686, 8.102, 9.598, as in the reference's
output). An alarm is a count above the bound.

The reference switches to a normal approximation for m > 20, whose form its documentation does not state; we keep
the Crow–Gardner limit there (documented in decision 0018)."""

from functools import lru_cache

import numpy as np
from scipy.stats import poisson

from .common import (
    Detection,
    Parameter,
    at_least,
    boolean,
    check_windows,
    first_with_windows,
    integer,
    past_windows,
    positions,
)

PARAMETERS = {
    "b": Parameter(integer, 2, at_least(0)),
    "w": Parameter(integer, 4, at_least(0)),
    "actY": Parameter(boolean, False),
}
CONFIDENCE = 0.95


def _shortest_length(mean: float) -> int:
    """The length (last − first) of the shortest run of consecutive counts holding at least 95 % of Poisson(mean)."""
    top = int(mean + 12 * np.sqrt(mean) + 20)
    cdf = np.concatenate([[0.0], poisson.cdf(np.arange(top + 1), mean)])  # cdf[k + 1] = P(X ≤ k)
    for length in range(top):
        if (cdf[length + 1 :] - cdf[: len(cdf) - length - 1]).max() >= CONFIDENCE:
            return length
    return top


def _starts_at(x: int, mean: float) -> bool:
    """Whether a shortest acceptance region of Poisson(mean) can start at x + 1."""
    last = x + 1 + _shortest_length(mean)
    return poisson.cdf(last, mean) - poisson.cdf(x, mean) >= CONFIDENCE


@lru_cache(maxsize=256)
def crow_gardner_upper(x: int) -> float:
    """The upper 95 % Crow–Gardner limit for a Poisson count x, to three decimals."""
    mean, step = x + 0.5, 0.01
    while not _starts_at(x, mean):
        mean += step
    low, high = mean - step, mean
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (low, middle) if _starts_at(x, middle) else (middle, high)
    return round(high, 3)


def rki(observed, range_=None, *, b=2, w=4, actY=False) -> Detection:
    y = np.asarray(observed, dtype=float)
    check_windows(b, w, actY)
    at = positions(range_, len(y), first_with_windows(b, w))
    expected = np.array([past_windows(y, t, b, w, actY).mean() for t in at])
    bound = np.array([crow_gardner_upper(int(np.floor(m))) for m in expected])
    return Detection(
        index=at + 1, observed=y[at], upperbound=bound, alarm=(y[at] > bound).astype(int), expected=expected
    )
