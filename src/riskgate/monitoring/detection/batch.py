"""The improved Farrington method (and the original) for many series at once: one judged week, S series that share
their weeks (the daily job's case, and the simulation study's). The reference weeks, the design matrix and the
prediction row are the same for every series; only the counts and weights differ, so each IRLS step is two
matrix products over all series and a batch of small solves. Each series stops iterating when R's criterion
stops it, as `glm.poisson` does, so the results equal `farrington.farrington_flexible`'s (the tests check it)."""

import math

import numpy as np
from scipy.stats import nbinom, norm
from scipy.stats import poisson as poisson_distribution
from scipy.stats import t as student

from .farrington import POWERS, Calendar, _design, reference_weeks
from .glm import EPSILON, MAX_ITERATIONS


def _deviance(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> np.ndarray:
    ratio = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return 2 * np.sum(weights * (ratio - (y - mu)), axis=1)


def _solve(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve each system; a singular one gives NaN (its series is then not judged)."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0], np.ones(len(a), dtype=bool)
    except np.linalg.LinAlgError:
        out, ok = np.full(b.shape, np.nan), np.ones(len(a), dtype=bool)
        for i in range(len(a)):
            try:
                out[i] = np.linalg.solve(a[i], b[i])
            except np.linalg.LinAlgError:
                ok[i] = False
        return out, ok


class BatchFit:
    """Poisson GLMs of the same design for S series, each fitted as R's glm.fit fits it."""

    def __init__(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray):
        s, n = y.shape
        p = x.shape[1]
        products = (x[:, :, None] * x[:, None, :]).reshape(n, p * p)
        mu = y + 0.1
        eta = np.log(mu)
        previous = _deviance(y, mu, weights)
        self.beta = np.full((s, p), np.nan)
        self.normal = np.full((s, p, p), np.nan)
        self.working = np.zeros((s, n))
        self.ok = np.ones(s, dtype=bool)
        active = np.arange(s)
        for _ in range(MAX_ITERATIONS):
            if not len(active):
                break
            m, e, wt = mu[active], eta[active], weights[active]
            working = wt * m
            z = e + (y[active] - m) / m
            normal = (working @ products).reshape(-1, p, p)
            beta, solved = _solve(normal, (working * z) @ x)
            eta_new = beta @ x.T
            mu_new = np.exp(eta_new)
            deviance = _deviance(y[active], mu_new, wt)
            self.beta[active], self.normal[active], self.working[active] = beta, normal, working
            eta[active], mu[active] = eta_new, mu_new
            finite = solved & np.isfinite(deviance) & np.all(np.isfinite(mu_new), axis=1)
            self.ok[active[~finite]] = False
            done = ~finite | (np.abs(deviance - previous[active]) / (np.abs(deviance) + 0.1) < EPSILON)
            previous[active] = deviance
            active = active[~done]
        self.mu = mu
        self.df = n - p
        self.unscaled = np.full((s, p, p), np.nan)
        good = np.flatnonzero(self.ok)
        if len(good):
            try:
                self.unscaled[good] = np.linalg.inv(self.normal[good])
            except np.linalg.LinAlgError:
                for i in good:
                    try:
                        self.unscaled[i] = np.linalg.inv(self.normal[i])
                    except np.linalg.LinAlgError:
                        self.ok[i] = False
        self.hat = self.working * np.einsum("ij,sjk,ik->si", x, self.unscaled, x)

    def dispersion(self, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        omega = self.working if weights is None else weights
        return np.sum(omega * ((y - self.mu) / self.mu) ** 2, axis=1) / self.df


def _fit(y, x, x0, reweight: bool, threshold: float, with_trend: bool):
    """(μ₀, link-scale variance, φ, trend p-value, log μ₀, ok) per series, as farrington._fit gives them."""
    s, n = y.shape
    fit = BatchFit(x, y, np.ones((s, n)))
    phi = np.maximum(1.0, fit.dispersion(y))
    if reweight:
        anscombe = 1.5 * (y ** (2 / 3) * fit.mu ** (-1 / 6) - np.sqrt(fit.mu)) / np.sqrt(phi[:, None] * (1 - fit.hat))
        raw = np.where(anscombe > threshold, anscombe**-2.0, 1.0)
        omega = raw * n / raw.sum(axis=1, keepdims=True)
        ok = fit.ok
        fit = BatchFit(x, y, omega)
        fit.ok &= ok
        phi = np.maximum(1.0, fit.dispersion(y))
        se_dispersion = fit.dispersion(y, omega)
    else:
        se_dispersion = fit.dispersion(y)
    eta0 = fit.beta @ x0
    variance = np.einsum("j,sjk,k->s", x0, fit.unscaled, x0) * se_dispersion
    p_trend = np.full(s, np.nan)
    if with_trend and fit.df > 0:
        se = np.sqrt(fit.unscaled[:, 1, 1] * se_dispersion)
        p_trend = np.where(se > 0, 2 * student.sf(np.abs(fit.beta[:, 1] / np.where(se > 0, se, 1)), fit.df), 0.0)
    return np.exp(eta0), variance, phi, p_trend, eta0, fit.ok


def _bounds(method: str, mu0, variance, phi, eta0, q: float, power: float) -> np.ndarray:
    z = norm.ppf(q)
    if method == "delta":
        spread = power * mu0 ** (power - 1) * np.sqrt(phi * mu0 + mu0**2 * variance)
        base = mu0**power + z * spread
        return np.where(base > 0, np.abs(base) ** (1 / power), 0.0)
    mean = mu0 if method == "nbPlugin" else np.exp(eta0 + z * np.sqrt(variance))
    over = phi > 1
    size = np.where(over, mean / np.where(over, phi - 1, 1), 1.0)
    negative_binomial = nbinom.ppf(q, size, 1 / np.where(over, phi, 2.0))
    return np.where(over, negative_binomial, poisson_distribution.ppf(q, mean))


def judge_week(
    counts: np.ndarray,
    t0: int,
    *,
    dates=None,
    b=5,
    w=3,
    reweight=True,
    weightsThreshold=2.58,
    alpha=0.05,
    trend=True,
    pThresholdTrend=0.05,
    limit54=(5, 4),
    powertrans="2/3",
    noPeriods=1,
    pastWeeksNotIncluded=None,
    thresholdMethod="delta",
) -> dict[str, np.ndarray]:
    """Judge week t0 (0-based) of every row of `counts` (S series × T weeks): upperbound, expected and alarm
    (NaN bound and expected where a week is not judged), and whether the trend was kept."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        return _judge_week(
            np.asarray(counts, dtype=float), t0, dates, b, w, reweight, weightsThreshold, alpha, trend,
            pThresholdTrend, limit54, powertrans, noPeriods, pastWeeksNotIncluded, thresholdMethod,
        )  # fmt: skip


def _judge_week(
    y_all, t0, dates, b, w, reweight, weightsThreshold, alpha, trend, pThresholdTrend, limit54, powertrans,
    noPeriods, pastWeeksNotIncluded, thresholdMethod,
):  # fmt: skip
    s = len(y_all)
    calendar = Calendar(dates)
    past = w if pastWeeksNotIncluded is None else pastWeeksNotIncluded
    weeks, levels = reference_weeks(t0, calendar, b, w, noPeriods, past)
    if len(weeks) == 0 or weeks[0] < 0:
        raise ValueError(f"week {t0 + 1} has too few earlier weeks for b={b}, w={w}")
    cases, weeks_back = limit54
    judged = (y_all[:, max(0, t0 - weeks_back + 1) : t0 + 1].sum(axis=1) >= cases) & (y_all[:, weeks].sum(axis=1) > 0)
    y = y_all[:, weeks]
    q = 1 - alpha
    mu0 = np.full(s, np.nan)
    variance = np.full(s, np.nan)
    phi = np.full(s, np.nan)
    eta0 = np.full(s, np.nan)
    kept = np.zeros(s, dtype=int)
    remaining = np.flatnonzero(judged)
    if trend and b >= 3 and len(remaining):
        x, x0 = _design(weeks, levels, noPeriods, True, t0)
        if x.shape[0] > x.shape[1]:
            m, v, f, p, e, ok = _fit(y[remaining], x, x0, reweight, weightsThreshold, True)
            keep = ok & (p < pThresholdTrend) & (m <= y[remaining].max(axis=1))
            chosen = remaining[keep]
            mu0[chosen], variance[chosen], phi[chosen], eta0[chosen] = m[keep], v[keep], f[keep], e[keep]
            kept[chosen] = 1
            remaining = remaining[~keep]
    if len(remaining):
        x, x0 = _design(weeks, levels, noPeriods, False, t0)
        m, v, f, _p, e, ok = _fit(y[remaining], x, x0, reweight, weightsThreshold, False)
        mu0[remaining], variance[remaining], phi[remaining], eta0[remaining] = m, v, f, e
        mu0[remaining[~ok]] = np.nan
    good = np.isfinite(mu0) & np.isfinite(variance) & np.isfinite(phi)
    bound = np.full(s, np.nan)
    if good.any():
        with np.errstate(invalid="ignore"):
            bound[good] = _bounds(
                thresholdMethod, mu0[good], variance[good], phi[good], eta0[good], q, POWERS[powertrans]
            )
    expected = np.where(good, mu0, np.nan)
    alarm = (good & (y_all[:, t0] > np.nan_to_num(bound, nan=math.inf))).astype(int)
    return {"upperbound": bound, "expected": expected, "alarm": alarm, "trend": kept}
