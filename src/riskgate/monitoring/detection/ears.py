"""EARS C1, C2 and C3 (Hutwagner et al. 2003; CDC's Early Aberration Reporting System), as the reference
`earsC` computes them.

C1 judges week t against the mean m and standard deviation s (n−1 denominator) of the `baseline` weeks just
before it; C2 against the `baseline` weeks before a gap of two weeks. The bound is m + z·s with z the (1 − alpha)
normal quantile; s is at least `minSigma`; an alarm is a count above the bound.

C3, as the reference computes it, differs from the textbook. The textbook statistic is the sum of max(0, C2 − 1)
over weeks t, t−1 and t−2, compared with a threshold. The reference's bound for week t is instead
y_t + s_t·(z − Σ_{i=1,2} max(0, C2_{t−i} − 1)), floored at zero: it is built from the two lagged C2 terms and the
current count, so the alarm (count above the bound) fires exactly when the lagged terms exceed z, whatever the
current count (zero excepted, since the bound is never below zero). We reproduce the reference; the textbook
statistic is in `Detection.extra["c3"]`. Default alpha: 0.001 for C1 and C2, 0.025 for C3 (the reference's)."""

import numpy as np
from scipy.stats import norm

from .common import Detection, Parameter, at_least, between, choice, integer, number, optional, positions

PARAMETERS = {
    "method": Parameter(choice("C1", "C2", "C3"), "C1"),
    "alpha": Parameter(optional(number), None, between(0, 1, open_low=True, open_high=True)),
    "baseline": Parameter(integer, 7, at_least(3)),
    "minSigma": Parameter(number, 0.0, at_least(0)),
}


def _moments(y: np.ndarray, baseline: int, lag: int, min_sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the `baseline` weeks ending `lag` weeks before each week (NaN where the
    series is too short), vectorised over the whole series."""
    n = len(y)
    mean = np.full(n, np.nan)
    sd = np.full(n, np.nan)
    first = baseline + lag
    if n > first:
        windows = np.lib.stride_tricks.sliding_window_view(y, baseline)[: n - first]
        mean[first:] = windows.mean(axis=1)
        sd[first:] = np.maximum(windows.std(axis=1, ddof=1), min_sigma)
    return mean, sd


def ears_c(observed, range_=None, *, method="C1", alpha=None, baseline=7, minSigma=0.0) -> Detection:
    y = np.asarray(observed, dtype=float)
    alpha = alpha if alpha is not None else (0.025 if method == "C3" else 0.001)
    z = norm.ppf(1 - alpha)
    lag = 0 if method == "C1" else 2
    needed = baseline + lag + (2 if method == "C3" else 0)
    at = positions(range_, len(y), needed + 1)
    mean, sd = _moments(y, baseline, lag, minSigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        c2 = (y - mean) / sd
    if method == "C3":
        with np.errstate(invalid="ignore"):  # a constant baseline (s = 0): C2 is ±inf or NaN there
            return _c3(y, at, z, sd, c2, mean)
    bound = mean[at] + z * sd[at]
    return Detection(
        index=at + 1, observed=y[at], upperbound=bound, alarm=(y[at] > bound).astype(int), expected=mean[at]
    )


def _c3(y, at, z, sd, c2, mean) -> Detection:
    excess = np.maximum(0.0, c2 - 1)
    lagged = excess[at - 1] + excess[at - 2]
    bound = np.maximum(0.0, y[at] + sd[at] * (z - lagged))
    return Detection(
        index=at + 1,
        observed=y[at],
        upperbound=bound,
        alarm=(y[at] > bound).astype(int),
        expected=mean[at],
        extra={"c3": excess[at] + lagged},
    )
