"""The detectors on the series the daily job will meet — all zeros, constant, sparse, bursts — never fail and
never give an impossible answer: bounds are zero or more (or absent where the week is not judged), alarms are 0 or
1, and an alarm always means the count is above its bound."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskgate.monitoring.detection import METHODS, ParameterError, run

WEEKS = 4 * 52 + 20
CONFIGS = [
    ("farringtonFlexible", {"b": "3"}),
    ("farringtonFlexible", {"b": "3", "noPeriods": "10", "pastWeeksNotIncluded": "26", "thresholdMethod": "nbPlugin"}),
    ("farringtonFlexible", {"b": "3", "thresholdMethod": "muan", "limit54": "0,4"}),
    ("farrington", {"b": "3", "powertrans": "1/2"}),
    ("earsC", {"method": "C1"}),
    ("earsC", {"method": "C2"}),
    ("earsC", {"method": "C3", "minSigma": "0.5"}),
    ("cusum", {"trans": "rossi"}),
    ("cusum", {"trans": "anscombe"}),
    ("glrnb", {"alpha": "0.3"}),
    ("glrnb", {"dir": "dec"}),
    ("bayes", {"b": "1", "w": "3"}),
]
RANGE = (WEEKS - 19, WEEKS)


def _sane(result):
    bound = result.upperbound
    assert set(np.unique(result.alarm)) <= {0, 1}
    assert np.all(np.isnan(bound) | (bound >= 0) | (result.alarm == 0))
    assert np.all(result.alarm[np.isnan(bound)] == 0)  # a week not judged raises no alarm


@pytest.mark.parametrize(("method", "given_"), CONFIGS, ids=[f"{m}-{i}" for i, (m, _g) in enumerate(CONFIGS)])
@pytest.mark.parametrize("shape", ["zeros", "constant", "sparse", "burst"])
def test_shapes_the_daily_job_meets(method, given_, shape):
    rng = np.random.default_rng(7)
    counts = {
        "zeros": np.zeros(WEEKS),
        "constant": np.full(WEEKS, 3.0),
        "sparse": (rng.random(WEEKS) < 0.05).astype(float),
        "burst": np.r_[rng.poisson(2, WEEKS - 3), [15, 22, 30]].astype(float),
    }[shape]
    try:
        result = run(method, counts, RANGE, given_)
    except ParameterError as exc:  # a series a method cannot judge is refused with a reason, never a crash
        assert shape == "zeros" and "mu0" in str(exc) or "zero" in str(exc)
        return
    _sane(result)
    if shape == "burst" and method in {"farringtonFlexible", "earsC", "glrnb", "bayes"} and given_.get("dir") != "dec":
        assert result.alarm[-3:].any(), (method, given_, result.upperbound[-3:])


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=60), min_size=WEEKS, max_size=WEEKS),
    config=st.sampled_from(CONFIGS),
)
def test_any_series_gives_a_sane_answer(counts, config):
    method, given_ = config
    try:
        result = run(method, np.array(counts, dtype=float), RANGE, given_)
    except ParameterError as exc:
        assert "zero" in str(exc)
        return
    _sane(result)
    alarmed = result.alarm == 1
    if method not in {"glrnb", "cusum"}:  # accumulating detectors alarm on the statistic, not this week's bound
        assert np.all(result.observed[alarmed] > result.upperbound[alarmed])


def test_every_method_is_named_as_the_reference_names_it():
    assert set(METHODS) == {"farringtonFlexible", "farrington", "earsC", "cusum", "glrnb", "bayes", "rki"}
