"""The Bayes system of Riebler (2004), as the reference `algo.bayes` computes it.

The reference values are the (2w + 1)-week windows around the same week 1…b years back (52 weeks a year) and,
with `actY`, the w weeks just before the judged one. With the improper prior that makes the posterior predictive
of the next count negative binomial — size Σ reference + 1/2, probability n/(n + 1) for n reference values — the
bound is that distribution's (1 − alpha) quantile; an alarm is a count above it."""

import numpy as np
from scipy.stats import nbinom

from .common import Detection, Parameter, ParameterError, at_least, between, boolean, integer, number, positions

WEEKS_PER_YEAR = 52

PARAMETERS = {
    "b": Parameter(integer, 0, at_least(0)),
    "w": Parameter(integer, 6, at_least(0)),
    "actY": Parameter(boolean, True),
    "alpha": Parameter(number, 0.05, between(0, 1, open_low=True, open_high=True)),
}


def bayes(observed, range_=None, *, b=0, w=6, actY=True, alpha=0.05) -> Detection:
    y = np.asarray(observed, dtype=float)
    if not actY and b == 0:
        raise ParameterError("b=0 with actY=FALSE leaves no reference values")
    if actY and w == 0 and b == 0:
        raise ParameterError("w=0 with b=0 leaves no reference values")
    at = positions(range_, len(y), b * WEEKS_PER_YEAR + w + 1 if b else w + 1)
    bound = np.empty(len(at))
    for i, t in enumerate(at):
        parts = [y[t - w : t]] if actY else []
        parts += [y[t - j * WEEKS_PER_YEAR - w : t - j * WEEKS_PER_YEAR + w + 1] for j in range(1, b + 1)]
        reference = np.concatenate(parts)
        n = len(reference)
        bound[i] = nbinom.ppf(1 - alpha, reference.sum() + 0.5, n / (n + 1))
    return Detection(
        index=at + 1,
        observed=y[at],
        upperbound=bound,
        alarm=(y[at] > bound).astype(int),
        expected=np.full(len(at), np.nan),
    )
