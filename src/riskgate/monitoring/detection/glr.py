"""The generalised likelihood-ratio detector for Poisson and negative-binomial counts (Höhle and Paul 2008), as
the reference `glrnb` computes it for a change in the intercept.

The in-control means μ₀ are given (`mu0`, one per week) or estimated from the weeks before the range (phase 1) by
a Poisson log-linear model with `S` harmonic pairs of period 52 (and a linear trend with `trend`), fitted as R
fits it. At week n the statistic is the largest log-likelihood ratio, over every start k since the last alarm (or
the range's start; at most `M` weeks back when M > 0), of "the mean is κ·μ₀ from k on" against "the mean is μ₀":
for Poisson counts (`alpha` = 0) κ̂ = Σx/Σμ₀ and the ratio is Σx·log κ̂ − (κ̂ − 1)·Σμ₀; for negative-binomial
counts with dispersion alpha (variance μ + αμ²) κ̂ solves Σx/κ = Σ(x + 1/α)·αμ₀/(1 + ακμ₀), to machine precision.
κ is held ≥ 1 for `dir` "inc" (≤ 1 for "dec"). An alarm when the statistic reaches `c.ARL`; the statistic then
restarts at the next week. `ret` "value" reports the statistic as the bound; "cases" the smallest count at week n
that would raise the alarm (searched up to `xMax`)."""

import math

import numpy as np
from scipy.optimize import brentq

from . import glm
from .common import Detection, Parameter, ParameterError, at_least, boolean, choice, integer, number, positions

WEEKS_PER_YEAR = 52

PARAMETERS = {
    "c.ARL": Parameter(number, 5.0, at_least(0)),
    "alpha": Parameter(number, 0.0, at_least(0)),
    "Mtilde": Parameter(integer, 1, at_least(1)),
    "M": Parameter(integer, -1),
    "dir": Parameter(choice("inc", "dec"), "inc"),
    "ret": Parameter(choice("value", "cases"), "value"),
    "xMax": Parameter(integer, 10_000, at_least(1)),
    "S": Parameter(integer, 1, at_least(0)),
    "trend": Parameter(boolean, False),
}


def baseline(y: np.ndarray, first: int, harmonics: int, trend: bool) -> np.ndarray:
    """μ₀ for every week from a Poisson model fitted on the weeks before `first` (0-based)."""
    if first < 2 * harmonics + 1 + int(trend) + 1:
        raise ParameterError(f"the range starts at week {first + 1}: too few earlier weeks to estimate mu0")
    t = np.arange(1, len(y) + 1, dtype=float)
    columns = [np.ones(len(y))]
    if trend:
        columns.append(t)
    for s in range(1, harmonics + 1):
        columns += [np.cos(2 * np.pi * s * t / WEEKS_PER_YEAR), np.sin(2 * np.pi * s * t / WEEKS_PER_YEAR)]
    x = np.column_stack(columns)
    if not y[:first].any():
        raise ParameterError("every week before the range is zero: mu0 cannot be estimated")
    fit = glm.poisson(x[:first], y[:first], np.ones(first))
    return np.exp(x @ fit.beta)


def _ratio(sx: float, mu: np.ndarray, x: np.ndarray, alpha: float, increase: bool) -> float:
    """The log-likelihood ratio of the window (counts x, means mu, Σx = sx) at its κ̂ within the direction."""
    sm = float(mu.sum())
    if alpha == 0:
        kappa = sx / sm
        kappa = max(1.0, kappa) if increase else min(1.0, kappa)
        if kappa == 1.0:
            return 0.0
        return (sx * math.log(kappa) if sx > 0 else 0.0) - (kappa - 1) * sm
    size = 1 / alpha

    def score(log_kappa: float) -> float:  # d/dκ of the log-likelihood, times κ
        kappa = math.exp(log_kappa)
        return sx - float(np.sum((x + size) * alpha * kappa * mu / (1 + alpha * kappa * mu)))

    def loglik(kappa: float) -> float:
        return sx * math.log(kappa) - float(np.sum((x + size) * np.log1p(alpha * kappa * mu)))

    if sx == 0 and not increase:
        return _zero_limit(mu, alpha)  # the likelihood grows as κ → 0
    at_one = score(0.0)
    if (increase and at_one <= 0) or (not increase and at_one >= 0):
        return 0.0  # κ̂ = 1: no change in this direction
    if increase:  # score > 0 at κ = 1 and falls: find where it turns negative
        low, high = 0.0, 1.0
        while score(high) > 0:
            low, high = high, high * 2
    else:  # score < 0 at κ = 1 and positive as κ → 0
        low, high = -1.0, 0.0
        while score(low) <= 0:
            low, high = low * 2, low
    log_kappa = brentq(score, low, high, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200)
    return loglik(math.exp(log_kappa)) - loglik(1.0)


def _zero_limit(mu: np.ndarray, alpha: float) -> float:
    """For a decrease with no cases the likelihood grows as κ → 0: its limit, log Π(1 + αμ)^{1/α}."""
    return float(np.sum(np.log1p(alpha * mu) / alpha))


def _statistic(y, mu, n: int, start: int, alpha: float, increase: bool, longest: int, shortest: int) -> float:
    best, sx = 0.0, 0.0
    first = start if longest <= 0 else max(start, n - longest + 1)
    for k in range(n, first - 1, -1):
        sx += y[k]
        if n - k + 1 < shortest:
            continue
        best = max(best, _ratio(sx, mu[k : n + 1], y[k : n + 1], alpha, increase))
    return best


def glrnb(
    observed,
    range_=None,
    *,
    mu0=None,
    alpha=0.0,
    Mtilde=1,
    M=-1,
    dir="inc",
    ret="value",
    xMax=10_000,
    S=1,
    trend=False,
    **named,
) -> Detection:
    threshold = named.pop("c.ARL", 5.0)
    if named:
        raise ParameterError(f"glrnb has no parameter {', '.join(named)}")
    y = np.asarray(observed, dtype=float)
    at = positions(range_, len(y), 1 if mu0 is not None else 2)
    mu = np.asarray(mu0, dtype=float) if mu0 is not None else baseline(y, int(at[0]), S, trend)
    if len(mu) != len(y) or not (mu > 0).all():
        raise ParameterError("mu0 must give a positive mean for every week")
    increase = dir == "inc"
    bound = np.empty(len(at))
    alarm = np.zeros(len(at), dtype=int)
    start = int(at[0])
    for i, n in enumerate(at):
        n = int(n)
        value = _statistic(y, mu, n, start, alpha, increase, M, Mtilde)
        if ret == "value":
            bound[i] = value
        else:
            actual = y[n]
            count = 0
            while count <= xMax:
                y[n] = count
                if _statistic(y, mu, n, start, alpha, increase, M, Mtilde) >= threshold:
                    break
                count += 1
            y[n] = actual
            bound[i] = count if count <= xMax else np.nan
        if value >= threshold:
            alarm[i] = 1
            start = n + 1
    return Detection(index=at + 1, observed=y[at], upperbound=bound, alarm=alarm, expected=mu[at])
