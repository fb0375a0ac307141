"""Every detector reproduces the reference implementation (R `surveillance` 1.20.3) on the reference's own
datasets: identical alarms, and upper bounds and expected values equal within a relative tolerance of 1e-9
(ours and the reference's agree to the last printed digits; R prints 15 significant digits)."""

import datetime as dt

import numpy as np
import pytest

from riskgate.monitoring.detection import run

from .reference import SERIES, expected, expected_unit_test

TOLERANCE = 1e-9

# The two configurations of the reference's own examples (its help page on salmonella.agona with alpha 0.1, and
# Salmon, Schumacher and Höhle 2016, J Stat Softw 70(10), on salmNewport with alpha 0.05): the original
# Farrington method and the improved one of Noufaily et al. (2013).
AGONA = {"alpha": "0.1"}
ORIGINAL = {
    "b": "4",
    "w": "3",
    "noPeriods": "1",
    "weightsThreshold": "1",
    "pastWeeksNotIncluded": "3",
    "pThresholdTrend": "0.05",
    "alpha": "0.05",
}
IMPROVED = {
    "b": "4",
    "w": "3",
    "noPeriods": "10",
    "weightsThreshold": "2.58",
    "pastWeeksNotIncluded": "26",
    "pThresholdTrend": "1",
    "thresholdMethod": "nbPlugin",
    "alpha": "0.05",
}

# file, series, method, parameters, range (1-based, inclusive) or None to take the file's weeks
CASES = [
    *[(f"agona_earsC_{m}_default.csv", "agona", "earsC", {"method": m}, (200, 312)) for m in ("C1", "C2", "C3")],
    *[
        (f"salmNewportDE2011_earsC_{m}_default.csv", "salmNewportDE", "earsC", {"method": m}, None)
        for m in ("C1", "C2", "C3")
    ],
    *[
        (f"salmNewportDE2011_earsC_{m}_alpha0.05.csv", "salmNewportDE", "earsC", {"method": m, "alpha": "0.05"}, None)
        for m in ("C1", "C2", "C3")
    ],
    *[
        (f"epysurv_salmonella_earsC_{m}_alpha0.001.csv", "epysurv", "earsC", {"method": m, "alpha": "0.001"}, None)
        for m in ("C1", "C2", "C3")
    ],
    *[
        (f"salmNewportDE2011_farringtonFlexible_{name}.csv", "salmNewportDE", "farringtonFlexible", given, None)
        for name, given in {
            "orig": ORIGINAL,
            "orig_limit54off": {**ORIGINAL, "limit54": "0,4"},
            "noufaily_nbPlugin": IMPROVED,
            "noufaily_nbPlugin_limit54off": {**IMPROVED, "limit54": "c(0,4)"},
            "noufaily_b5_nbPlugin": {**IMPROVED, "b": "5"},
            "noufaily_delta": {**IMPROVED, "thresholdMethod": "delta"},
            "noufaily_muan": {**IMPROVED, "thresholdMethod": "muan"},
        }.items()
    ],
    (
        "agona_farringtonFlexible_manexample_control1.csv",
        "agona",
        "farringtonFlexible",
        {**ORIGINAL, **AGONA},
        (282, 312),
    ),
    (
        "agona_farringtonFlexible_manexample_control2.csv",
        "agona",
        "farringtonFlexible",
        {**IMPROVED, **AGONA, "thresholdMethod": "delta"},
        (282, 312),
    ),
    (
        "agona_farringtonFlexible_control2_nbPlugin.csv",
        "agona",
        "farringtonFlexible",
        {**IMPROVED, **AGONA},
        (282, 312),
    ),
    (
        "agona_farringtonFlexible_control2_muan.csv",
        "agona",
        "farringtonFlexible",
        {**IMPROVED, **AGONA, "thresholdMethod": "muan"},
        (282, 312),
    ),
    ("agona_algo.farrington_b4w3_alpha0.01_range260-312.csv", "agona", "farrington", {"b": "4", "alpha": "0.01"}, None),
    (
        "agona_algo.farrington_b3w3_alpha0.01_powertransnone_range200-312.csv",
        "agona",
        "farrington",
        {"b": "3", "alpha": "0.01", "powertrans": "none"},
        None,
    ),
    (
        "epysurv_salmonella_FarringtonFlexible_noufaily_b3_alpha0.01.csv",
        "epysurv",
        "farringtonFlexible",
        {**IMPROVED, "b": "3", "alpha": "0.01"},
        None,
    ),
    (  # epysurv's own defaults, not the reference's
        "epysurv_salmonella_FarringtonFlexible_epysurvDefaults.csv",
        "epysurv",
        "farringtonFlexible",
        {"b": "3", "w": "3", "alpha": "0.01", "weightsThreshold": "2.58", "pastWeeksNotIncluded": "26"},
        None,
    ),
    ("agona_bayes_b0w6_actY_alpha0.05.csv", "agona", "bayes", {"b": "0", "w": "6", "actY": "TRUE"}, (200, 312)),
    ("agona_rki_b2w4.csv", "agona", "rki", {"b": "2", "w": "4", "actY": "FALSE"}, (200, 312)),
    ("agona_glrpois_cARL5_range105-312_value.csv", "agona", "glrnb", {"c.ARL": "5", "ret": "value"}, (105, 312)),
    ("agona_glrpois_cARL5_range105-312_cases.csv", "agona", "glrnb", {"c.ARL": "5", "ret": "cases"}, (105, 312)),
    ("agona_algo.cusum_k1.04_h2.26_standard_mNULL.csv", "agona", "cusum", {"trans": "standard"}, None),
    ("agona_algo.cusum_k1.04_h2.26_rossi_mNULL.csv", "agona", "cusum", {"trans": "rossi"}, None),
]


def close(ours: np.ndarray, theirs: np.ndarray) -> bool:
    both = ~np.isnan(theirs)
    return bool(
        np.array_equal(np.isnan(ours), ~both) and np.allclose(ours[both], theirs[both], rtol=TOLERANCE, atol=1e-12)
    )


@pytest.mark.parametrize(("file", "series", "method", "given", "range_"), CASES, ids=[c[0] for c in CASES])
def test_reproduces_the_reference(file, series, method, given, range_):
    counts, keys = SERIES[series]()
    dates = [dt.date.fromisoformat(key) for key in keys] if "-" in keys[0] else None
    reference = expected(file, series, first=range_[0] if range_ else None)
    weeks = range_ or (int(reference["index"][0]), int(reference["index"][-1]))
    assert np.array_equal(reference["index"], np.arange(weeks[0], weeks[1] + 1))
    found = run(method, counts, weeks, given, dates=dates)
    assert np.array_equal(found.index, reference["index"])
    assert np.array_equal(found.observed, reference["observed"])
    assert np.array_equal(found.alarm, reference["alarm"].astype(int)), np.flatnonzero(
        found.alarm != reference["alarm"]
    )
    assert close(found.upperbound, reference["upperbound"])
    if "expected" in reference and method != "glrnb":
        assert close(found.expected, reference["expected"])
    if "trend" in reference and method.startswith("farrington"):
        judged = ~np.isnan(reference["upperbound"]) & (found.extra["limited"] == 0)
        assert np.array_equal(found.extra["trend"][judged], reference["trend"][judged])


def test_glrnb_reproduces_the_references_own_unit_test():
    """The negative-binomial GLR statistic (dispersion 0.2, c.ARL 5) on the reference's unit-test series, with its
    in-control means given: every value within 1e-9 and the one alarm at week 114."""
    reference = expected_unit_test()
    found = run(
        "glrnb",
        reference["x"],
        (1, len(reference["x"])),
        {"alpha": "0.2", "c.ARL": "5", "ret": "value"},
        mu0=reference["mu0"],
    )
    assert close(found.upperbound, reference["upperbound"])
    assert np.array_equal(found.alarm, reference["alarm"].astype(int))
    assert np.flatnonzero(found.alarm).tolist() == [113]


def test_every_reference_output_is_reproduced():
    """The cases above cover every output file of the reference."""
    from .reference import OUTPUTS

    covered = {case[0] for case in CASES} | {"glrnb_unittest_input_and_expected.csv"}
    outputs = {path.name for path in OUTPUTS.glob("*.csv") if not path.name.startswith("INPUT_")}
    assert covered == outputs


def test_the_rki_bounds_come_from_the_crow_gardner_construction():
    """The limits the reference's output shows (means of 1–4 reference cases) come out of the construction, and
    the limits rise with the count, faster than the count itself (the table goes up to a mean of 20)."""
    from riskgate.monitoring.detection.rki import crow_gardner_upper

    assert [crow_gardner_upper(x) for x in range(1, 5)] == [5.323, 6.686, 8.102, 9.598]
    limits = [crow_gardner_upper(x) for x in range(21)]
    assert all(later > earlier + 0.5 for earlier, later in zip(limits, limits[1:], strict=False))
    assert all(limit > x + 2 for x, limit in enumerate(limits))
