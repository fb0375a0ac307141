"""The Bayes system of Riebler (2004), as the reference `algo.bayes` computes it.

The reference values are the (2w + 1)-week windows around the same week 1…b years back (52 weeks a year) and,
with `actY`, the w weeks just before the judged one. With the improper prior that makes the posterior predictive
of the next count negative binomial — size Σ reference + 1/2, probability n/(n + 1) for n reference values — the
bound is that distribution's (1 − alpha) quantile; an alarm is a count above it."""

import numpy as np
from scipy.stats import nbinom

from .common import (
    Detection,
    Parameter,
    at_least,
    between,
    boolean,
    check_windows,
    first_with_windows,
    integer,
    number,
    past_windows,
    positions,
)

PARAMETERS = {
    "b": Parameter(integer, 0, at_least(0)),
    "w": Parameter(integer, 6, at_least(0)),
    "actY": Parameter(boolean, True),
    "alpha": Parameter(number, 0.05, between(0, 1, open_low=True, open_high=True)),
}


def bayes(observed, range_=None, *, b=0, w=6, actY=True, alpha=0.05) -> Detection:
    y = np.asarray(observed, dtype=float)
    check_windows(b, w, actY)
    at = positions(range_, len(y), first_with_windows(b, w))
    bound = np.empty(len(at))
    for i, t in enumerate(at):
        reference = past_windows(y, t, b, w, actY)
        n = len(reference)
        bound[i] = nbinom.ppf(1 - alpha, reference.sum() + 0.5, n / (n + 1))
    return Detection(
        index=at + 1,
        observed=y[at],
        upperbound=bound,
        alarm=(y[at] > bound).astype(int),
        expected=np.full(len(at), np.nan),
    )
