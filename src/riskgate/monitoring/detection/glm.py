"""A Poisson log-linear GLM fitted by iteratively reweighted least squares exactly as R's `glm.fit` fits it, so that
the detectors built on it reproduce the reference to the last digits: start from μ = y + 0.1, stop when the
deviance changes by less than 1e-8 of itself (+0.1), at most 25 iterations. Like R, the fit keeps the working
weights and the normal-equation inverse of its *last* least-squares step (computed at the previous μ), which
the reference's dispersion, standard errors and hat values are built from."""

from dataclasses import dataclass

import numpy as np

EPSILON = 1e-8
MAX_ITERATIONS = 25


@dataclass(frozen=True)
class Fit:
    beta: np.ndarray
    mu: np.ndarray  # fitted means at the final coefficients
    working: np.ndarray  # working weights of the last least-squares step (prior weight × previous μ)
    unscaled: np.ndarray  # (Xᵀ W X)⁻¹ of that step
    hat: np.ndarray  # leverages of that step
    df: int  # residual degrees of freedom

    def dispersion(self, y: np.ndarray, weights: np.ndarray | None = None) -> float:
        """Σ ω·((y − μ)/μ)² / df, with ω the working weights (R's summary.glm), or the given weights."""
        omega = self.working if weights is None else weights
        return float(np.sum(omega * ((y - self.mu) / self.mu) ** 2) / self.df) if self.df > 0 else np.nan


def _deviance(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return float(2 * np.sum(weights * (ratio - (y - mu))))


def poisson(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> Fit:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        return _poisson(x, y, weights)


def _poisson(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> Fit:
    mu = y + 0.1
    eta = np.log(mu)
    previous = _deviance(y, mu, weights)
    for _ in range(MAX_ITERATIONS):
        z = eta + (y - mu) / mu
        working = weights * mu
        xtw = x.T * working
        normal = xtw @ x
        beta = np.linalg.solve(normal, xtw @ z)
        eta = x @ beta
        mu = np.exp(eta)
        deviance = _deviance(y, mu, weights)
        if abs(deviance - previous) / (abs(deviance) + 0.1) < EPSILON:
            break
        previous = deviance
    unscaled = np.linalg.inv(normal)
    hat = working * np.einsum("ij,jk,ik->i", x, unscaled, x)
    return Fit(beta, mu, working, unscaled, hat, x.shape[0] - x.shape[1])
