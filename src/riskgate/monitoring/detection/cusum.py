"""The CUSUM of Rossi et al. (1999) for counts, as the reference `algo.cusum` computes it.

Each week's count y is standardised against the in-control mean m — given, or the mean of every week before the
range — and accumulated: S_t = max(0, S_{t−1} + z_t − k); an alarm when S_t ≥ h (defaults k = 1.04, h = 2.26).
The standardisations (`trans`):
- "standard": z = (y − m)/√m;
- "rossi": z = (y − 3m + 2√(y·m)) / (2√m), Rossi's approximately normal transform;
- "anscombe": z = 1.5·(y^{2/3} − m^{2/3}) / m^{1/6};
- "none": z = y − m.
The upper bound is the smallest count that would raise the alarm given S_{t−1}: z solved for y with
z = h + k − S_{t−1}; for "standard" the reference rounds it up to a whole count. Bounds are never below zero."""

import numpy as np

from .common import Detection, Parameter, ParameterError, choice, number, optional, positions

PARAMETERS = {
    "k": Parameter(number, 1.04),
    "h": Parameter(number, 2.26),
    "m": Parameter(optional(number), None),
    "trans": Parameter(choice("standard", "rossi", "anscombe", "none"), "standard"),
}


def _standardise(y: float, m: float, trans: str) -> float:
    if trans == "standard":
        return (y - m) / np.sqrt(m)
    if trans == "rossi":
        return (y - 3 * m + 2 * np.sqrt(y * m)) / (2 * np.sqrt(m))
    if trans == "anscombe":
        return 1.5 * (y ** (2 / 3) - m ** (2 / 3)) / m ** (1 / 6)
    return y - m


def _smallest_alarming(z: float, m: float, trans: str) -> float:
    """The count whose standardised value is z (the inverse of `_standardise`), at least zero."""
    if trans == "standard":
        return max(0.0, float(np.ceil(m + np.sqrt(m) * z)))
    if trans == "rossi":
        # y + 2√m·√y − (3m + 2z√m) = 0, a quadratic in √y
        root = m + 3 * m + 2 * z * np.sqrt(m)
        return float((np.sqrt(root) - np.sqrt(m)) ** 2) if root >= m else 0.0
    if trans == "anscombe":
        inner = m ** (2 / 3) + z * m ** (1 / 6) / 1.5
        return float(inner**1.5) if inner > 0 else 0.0
    return max(0.0, m + z)


def cusum(observed, range_=None, *, k=1.04, h=2.26, m=None, trans="standard") -> Detection:
    y = np.asarray(observed, dtype=float)
    at = positions(range_, len(y), 1 if m is not None else 2)
    if m is None:
        m = float(y[: at[0]].mean())
    if not m > 0:
        raise ParameterError("the in-control mean m must be positive (the weeks before the range are all zero)")
    statistic = 0.0
    bound = np.empty(len(at))
    alarm = np.empty(len(at), dtype=int)
    for i, t in enumerate(at):
        bound[i] = _smallest_alarming(h + k - statistic, m, trans)
        statistic = max(0.0, statistic + _standardise(y[t], m, trans) - k)
        alarm[i] = statistic >= h
    return Detection(index=at + 1, observed=y[at], upperbound=bound, alarm=alarm, expected=np.full(len(at), m))
