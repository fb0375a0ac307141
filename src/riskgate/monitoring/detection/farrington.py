"""The Farrington method (Farrington et al. 1996) and its improved form (Noufaily et al. 2013), as the reference
`farringtonFlexible` and `algo.farrington` compute them.

For each judged week t0:
1. **Reference weeks.** Year j back (j = 1…b) is placed by the weeks' dates when the series has them (the same
   calendar day j years earlier, rounded to the nearest week: five years back is 261 weeks), else 52 weeks a year.
   With `noPeriods` = 1 the data are the (2w + 1)-week windows around those weeks. With `noPeriods` > 1 (the
   improved method) every week from the oldest window on is used, except the `pastWeeksNotIncluded` weeks just
   before t0 (and t0 itself): the windows form the level `noPeriods` of a seasonal factor, and each stretch
   between two windows (between the newest window and t0's own) is cut into `noPeriods` − 1 equal parts,
   levels 1…`noPeriods` − 1 in time order; level 1 is the reference category and t0 is predicted at level
   `noPeriods`.
2. **Fit.** A quasi-Poisson log-linear GLM with a linear trend (the week's position) and the factor, fitted as R
   fits it (`glm.py`). Dispersion φ = max(1, Σ W·((y − μ)/μ)²/df) over the working weights W.
3. **Reweighting** (`reweight`): Anscombe residuals s = 1.5·(y^{2/3}·μ^{−1/6} − μ^{1/2}) / √(φ(1 − h)); the weight
   is γ·s⁻² where s > `weightsThreshold`, else γ, with γ making the weights sum to the number of weeks; refit with
   those prior weights, φ from the refit's working weights again. Then, as the reference does, the model's weights
   are the new weights: standard errors and the trend's p-value use Σ ω·((y − μ)/μ)²/df, not clamped at 1.
4. **Trend.** Kept only if `trend`, its two-sided t-test p-value (residual df) is below `pThresholdTrend`, there
   are at least three years (b ≥ 3), and the prediction does not exceed the largest reference count; else the
   model without trend is fitted from the start (step 2).
5. **Bound** at the predicted μ₀ (link-scale variance v = x₀ᵀ(XᵀWX)⁻¹x₀ times that dispersion), at the
   quantile q = 1 − alpha (one-sided, `farringtonFlexible`; `algo.farrington` is two-sided, q = 1 − alpha/2):
   - "delta" (Farrington): on the scale y^p of `powertrans` (2/3, 1/2 or 1 for "none"),
     U = (μ₀^p + z_q·p·μ₀^{p−1}·√(φμ₀ + μ₀²v))^{1/p};
   - "nbPlugin" (Noufaily): the q quantile of a negative binomial with mean μ₀ and variance φμ₀ (size
     μ₀/(φ − 1), probability 1/φ; Poisson when φ = 1);
   - "muan": the same quantile with μ₀ replaced by exp(log μ₀ + z_q·√v).
6. **limit54** (c, d): when fewer than c cases were counted in the last d weeks (t0 included), the week is not
   judged: no bound, no expected value, no alarm (`algo.farrington` reports a bound of 0 there). An alarm is a
   count above the bound.

A week whose reference counts are all zero is not judged (no bound, no expected value, no alarm): the GLM has no
finite fit there and the reference does not define the case; a risk seen for the first time is intake's to
triage, not a statistical excess. A fit that does not converge to finite means is not judged either.

`algo.farrington` is the 1996 function: the same steps with `noPeriods` 1, reweighting threshold 1, trend
threshold 0.05, `pastWeeksNotIncluded` = w, the delta bound at the two-sided quantile, the prediction's
variance taken with φ itself, and the trend's t-test with the refit's own dispersion (its working weights, not
clamped), since that function keeps the refit's weights."""

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
from scipy.stats import nbinom, norm
from scipy.stats import poisson as poisson_distribution
from scipy.stats import t as student

from . import glm
from .common import (
    Detection,
    Parameter,
    ParameterError,
    at_least,
    between,
    boolean,
    choice,
    integer,
    number,
    optional,
    positions,
)

WEEKS_PER_YEAR = 52
POWERS = {"2/3": 2 / 3, "1/2": 1 / 2, "none": 1.0}


def _limit54(text: str) -> tuple[int, int]:
    cleaned = text.strip().removeprefix("c(").removesuffix(")")
    parts = [p.strip() for p in cleaned.split(",")]
    if len(parts) != 2:
        raise ParameterError(f"{text!r} is not two whole numbers CASES,WEEKS (e.g. 5,4)")
    try:
        cases, weeks = int(parts[0]), int(parts[1])
    except ValueError:
        raise ParameterError(f"{text!r} is not two whole numbers CASES,WEEKS (e.g. 5,4)") from None
    if cases < 0 or weeks < 1:
        raise ParameterError(f"{text!r}: cases must be 0 or more and weeks 1 or more")
    return cases, weeks


def _no_population(value: bool) -> str | None:
    return "TRUE needs a population per week, which a series file does not carry" if value else None


FLEXIBLE_PARAMETERS = {
    "b": Parameter(integer, 5, at_least(1)),
    "w": Parameter(integer, 3, at_least(0)),
    "reweight": Parameter(boolean, True),
    "weightsThreshold": Parameter(number, 2.58, at_least(0)),
    "alpha": Parameter(number, 0.05, between(0, 1, open_low=True, open_high=True)),
    "trend": Parameter(boolean, True),
    "pThresholdTrend": Parameter(number, 0.05, between(0, 1)),
    "limit54": Parameter(_limit54, (5, 4)),
    "powertrans": Parameter(choice(*POWERS), "2/3"),
    "fitFun": Parameter(choice("algo.farrington.fitGLM.flexible"), "algo.farrington.fitGLM.flexible"),
    "populationOffset": Parameter(boolean, False, _no_population),
    "noPeriods": Parameter(integer, 1, at_least(1)),
    "pastWeeksNotIncluded": Parameter(optional(integer), None, at_least(0)),
    "thresholdMethod": Parameter(choice("delta", "nbPlugin", "muan"), "delta"),
}

ORIGINAL_PARAMETERS = {
    "b": Parameter(integer, 5, at_least(1)),
    "w": Parameter(integer, 3, at_least(0)),
    "reweight": Parameter(boolean, True),
    "alpha": Parameter(number, 0.05, between(0, 1, open_low=True, open_high=True)),
    "trend": Parameter(boolean, True),
    "limit54": Parameter(_limit54, (5, 4)),
    "powertrans": Parameter(choice(*POWERS), "2/3"),
}


class Calendar:
    """Where year j back from week t lies: by the weeks' dates when the series has them, else 52 weeks a year."""

    def __init__(self, dates: Sequence[dt.date] | None):
        self.dates = list(dates) if dates is not None else None

    def back(self, t: int, years: int) -> int:
        if self.dates is None:
            return t - WEEKS_PER_YEAR * years
        day = self.dates[t]
        try:
            earlier = day.replace(year=day.year - years)
        except ValueError:  # 29 February in a year that has none
            earlier = day.replace(year=day.year - years, day=28)
        return t - round((day - earlier).days / 7)


def reference_weeks(t0: int, calendar: Calendar, b: int, w: int, periods: int, past: int):
    """The 0-based weeks the model is fitted on for week t0, and their seasonal level (None with one period)."""
    years = [t0] + [calendar.back(t0, j) for j in range(1, b + 1)]
    if periods == 1:
        weeks = np.array(sorted(k for y in years[1:] for k in range(y - w, y + w + 1)))
        return weeks, None
    weeks, levels = [], []
    for j in range(b, 0, -1):
        centre, following = years[j], years[j - 1]
        weeks.extend(range(centre - w, centre + w + 1))
        levels.extend([periods] * (2 * w + 1))
        gap = range(centre + w + 1, following - w)
        weeks.extend(gap)
        levels.extend((q * (periods - 1)) // len(gap) + 1 for q in range(len(gap)))
    weeks, levels = np.array(weeks), np.array(levels)
    keep = weeks < t0 - past
    return weeks[keep], levels[keep]


def _design(weeks: np.ndarray, levels, periods: int, trend: bool, t0: int):
    columns, at = [np.ones(len(weeks))], [1.0]
    if trend:
        columns.append(weeks.astype(float))
        at.append(float(t0))
    if levels is not None:
        for level in range(2, periods + 1):
            columns.append((levels == level).astype(float))
            at.append(1.0 if level == periods else 0.0)
    x, x0 = np.column_stack(columns), np.array(at)
    present = np.any(x != 0, axis=0)
    present[0] = True
    return x[:, present], x0[present]


def _fit(y, x, x0, reweight: bool, threshold: float, with_trend: bool, original: bool):
    """The fit after reweighting: (μ₀, link-scale variance of the prediction, φ, trend p-value or None). The
    1996 function (`original`) takes the prediction's variance with φ itself."""
    n = len(y)
    fit = glm.poisson(x, y, np.ones(n))
    phi = max(1.0, fit.dispersion(y))
    se_dispersion = phi
    if reweight:
        with np.errstate(divide="ignore", invalid="ignore"):
            s = 1.5 * (y ** (2 / 3) * fit.mu ** (-1 / 6) - np.sqrt(fit.mu)) / np.sqrt(phi * (1 - fit.hat))
            raw = np.where(s > threshold, s**-2.0, 1.0)
        omega = raw * n / raw.sum()
        fit = glm.poisson(x, y, omega)
        phi = max(1.0, fit.dispersion(y))
        se_dispersion = fit.dispersion(y, omega)
    else:
        se_dispersion = fit.dispersion(y)
    eta0 = float(x0 @ fit.beta)
    variance = float(x0 @ fit.unscaled @ x0) * (phi if original else se_dispersion)
    p_trend = None
    if with_trend and fit.df > 0:  # the trend is the second column
        # The 1996 function tests the trend with the refit's own (working-weight, unclamped) dispersion.
        dispersion = fit.dispersion(y) if original else se_dispersion
        se = math.sqrt(fit.unscaled[1, 1] * dispersion)
        p_trend = float(2 * student.sf(abs(fit.beta[1] / se), fit.df)) if se > 0 else 0.0
    with np.errstate(over="ignore"):
        return float(np.exp(eta0)), variance, phi, p_trend, eta0


def _guarded(*args):
    """`_fit`, or None when the fit has no solution (a singular system: the week is not judged)."""
    try:
        return _fit(*args)
    except np.linalg.LinAlgError:
        return None


def _bound(method: str, mu0: float, variance: float, phi: float, eta0: float, q: float, power: float) -> float:
    z = norm.ppf(q)
    if method == "delta":
        spread = power * mu0 ** (power - 1) * math.sqrt(phi * mu0 + mu0**2 * variance)
        base = mu0**power + z * spread
        return base ** (1 / power) if base > 0 else 0.0
    with np.errstate(over="ignore"):
        mean = mu0 if method == "nbPlugin" else float(np.exp(eta0 + z * math.sqrt(variance)))
    if phi > 1:
        return float(nbinom.ppf(q, mean / (phi - 1), 1 / phi))
    return float(poisson_distribution.ppf(q, mean))


def _first_judgeable(n: int, calendar: Calendar, b: int, w: int) -> int:
    """The first 1-based week whose oldest reference window lies inside the series."""
    for t in range(n):
        if calendar.back(t, b) - w >= 0:
            return t + 1
    return n + 1


def farrington_flexible(
    observed,
    range_=None,
    *,
    b=5,
    w=3,
    reweight=True,
    weightsThreshold=2.58,
    alpha=0.05,
    trend=True,
    pThresholdTrend=0.05,
    limit54=(5, 4),
    powertrans="2/3",
    fitFun="algo.farrington.fitGLM.flexible",
    populationOffset=False,
    noPeriods=1,
    pastWeeksNotIncluded=None,
    thresholdMethod="delta",
    dates=None,
    original=False,
) -> Detection:
    y = np.asarray(observed, dtype=float)
    q = 1 - alpha / 2 if original else 1 - alpha
    calendar = Calendar(dates)
    at = positions(range_, len(y), _first_judgeable(len(y), calendar, b, w))
    past = w if pastWeeksNotIncluded is None else pastWeeksNotIncluded
    power = POWERS[powertrans]
    cases, weeks_back = limit54
    bound = np.full(len(at), np.nan)
    expected = np.full(len(at), np.nan)
    kept_trend = np.zeros(len(at), dtype=int)
    limited = np.zeros(len(at), dtype=int)
    for i, t0 in enumerate(at):
        if y[max(0, t0 - weeks_back + 1) : t0 + 1].sum() < cases:
            limited[i] = 1
            if original:  # the 1996 function reports a bound of 0 there
                bound[i] = 0.0
            continue
        weeks, levels = reference_weeks(int(t0), calendar, b, w, noPeriods, past)
        counts = y[weeks]
        if len(counts) == 0 or not counts.any():
            continue  # no case in the reference weeks: no basis for an expectation (not judged)
        result = None
        if trend and b >= 3:
            x, x0 = _design(weeks, levels, noPeriods, True, int(t0))
            if x.shape[0] > x.shape[1]:
                result = _guarded(counts, x, x0, reweight, weightsThreshold, True, original)
                mu0, _v, _phi, p_trend, _eta = result or (math.nan, 0, 0, None, 0)
                if not (p_trend is not None and p_trend < pThresholdTrend and mu0 <= counts.max()):
                    result = None
                else:
                    kept_trend[i] = 1
        if result is None:
            x, x0 = _design(weeks, levels, noPeriods, False, int(t0))
            result = _guarded(counts, x, x0, reweight, weightsThreshold, False, original)
        if result is None:
            continue
        mu0, variance, phi, _p, eta0 = result
        if not (math.isfinite(mu0) and math.isfinite(variance) and math.isfinite(phi)):
            continue
        expected[i] = mu0
        bound[i] = _bound(thresholdMethod, mu0, variance, phi, eta0, q, power)
    alarm = ((y[at] > np.nan_to_num(bound, nan=np.inf)) & (limited == 0)).astype(int)
    return Detection(
        index=at + 1,
        observed=y[at],
        upperbound=bound,
        alarm=alarm,
        expected=expected,
        extra={"trend": kept_trend, "limited": limited},
    )


def farrington(
    observed, range_=None, *, b=5, w=3, reweight=True, alpha=0.05, trend=True, limit54=(5, 4), powertrans="2/3"
) -> Detection:
    """The 1996 function (`algo.farrington`): the flexible one with its fixed choices."""
    return farrington_flexible(
        observed,
        range_,
        b=b,
        w=w,
        reweight=reweight,
        weightsThreshold=1.0,
        alpha=alpha,
        trend=trend,
        pThresholdTrend=0.05,
        limit54=limit54,
        powertrans=powertrans,
        noPeriods=1,
        pastWeeksNotIncluded=w,
        thresholdMethod="delta",
        original=True,
    )
