"""Quantified risk estimation (R-ASM-4): the RAPEX matrix cell by cell, both sides of every band edge, scenarios."""

import csv
from fractions import Fraction

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from riskgate.assessment.risk import (
    BAND_EDGES,
    MATRIX,
    QUALITATIVE,
    RiskLevel,
    Scenario,
    Step,
    band,
    highest,
    probability,
    product_risk,
    qualitative_level,
    risk_level,
)

TINY = Fraction(1, 10**12)


def official_rows():
    """The EU matrix as ../shared/data ships it, read as it is."""
    with open(settings.RISKGATE_SHARED_DATA / "risk_matrix" / "rapex_risk_matrix.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_matrix_is_the_official_one_cell_by_cell():
    rows = official_rows()
    assert len(rows) == len(MATRIX) == 8
    for row, ours in zip(rows, MATRIX, strict=True):
        assert [row[f"severity_{s}"] for s in range(1, 5)] == [level.value for level in ours], row


@pytest.mark.parametrize("severity", [1, 2, 3, 4])
def test_every_cell_and_both_sides_of_every_band_edge(severity):
    """A band runs from its lower edge 1/max_n (included: ≥) up to 1/min_n (excluded, except 1 itself)."""
    rows = official_rows()
    for index, row in enumerate(rows):
        expected = row[f"severity_{severity}"]
        top = Fraction(1, int(row["min_n_in_1_in_n"]))
        assert risk_level(top if index == 0 else top - TINY, severity) == expected, (row["probability_band"], "top")
        if row["max_n_in_1_in_n"]:
            edge = Fraction(1, int(row["max_n_in_1_in_n"]))
            assert risk_level(edge, severity) == expected, (row["probability_band"], "at the edge")
            assert risk_level((top + edge) / 2, severity) == expected, (row["probability_band"], "inside")
            below = rows[index + 1][f"severity_{severity}"]
            assert risk_level(edge - TINY, severity) == below, (row["probability_band"], "just below the edge")
        else:  # the last band: below one in a million
            assert risk_level(Fraction(1, 10**9), severity) == expected


def test_the_guidelines_folding_chair_example_is_low():
    chair = Scenario(
        "折叠椅使用中意外折叠，夹伤手指",
        severity=1,
        steps=[("椅子铰链存在缺陷", 1), ("使用者手指位于铰链处", "1/50"), ("椅子在此时折叠", "1/10")],
    )
    assert chair.probability == Fraction(1, 500)
    assert band(chair.probability) == 3
    assert chair.level == RiskLevel.LOW == "low"


def test_a_product_has_the_risk_of_its_worst_scenario():
    pinch = Scenario("夹手指", 1, [Step("手指在铰链处", "1/50"), Step("折叠", "1/10")])
    fall = Scenario("坐时倒塌摔伤头部", 3, [Step("倒塌", "1/100"), Step("头部着地", "1/10")])
    assert (pinch.level, fall.level) == (RiskLevel.LOW, RiskLevel.SERIOUS)
    assert product_risk([pinch, fall]) == (RiskLevel.SERIOUS, fall)
    assert highest(["low", "high", "medium"]) == RiskLevel.HIGH


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1/50", Fraction(1, 50)),
        ("0.02", Fraction(1, 50)),
        ("2%", Fraction(1, 50)),
        ("1 in 1,000", Fraction(1, 1000)),
        (1, Fraction(1)),
    ],
)
def test_probabilities_are_read_exactly(text, value):
    assert probability(text) == value


@pytest.mark.parametrize("bad", ["0", "-1/2", "3/2", "abc", "1/0", "", "1 in 0"])
def test_impossible_probabilities_are_refused_with_the_reason(bad):
    with pytest.raises(ValueError, match="概率"):
        probability(bad)


def test_scenarios_need_a_severity_and_steps():
    with pytest.raises(ValueError, match="1–4"):
        Scenario("x", 5, [("a", "1/2")])
    with pytest.raises(ValueError, match="步骤"):
        Scenario("x", 2, [])
    with pytest.raises(ValueError, match="1–4"):
        risk_level("1/2", 0)
    assert BAND_EDGES[0] == Fraction(1, 2) and BAND_EDGES[-1] == Fraction(1, 1_000_000)


@given(
    st.fractions(min_value=Fraction(1, 10**8), max_value=1),
    st.fractions(min_value=Fraction(1, 10**8), max_value=1),
    st.integers(1, 4),
)
def test_more_likely_or_more_severe_is_never_a_lower_risk(p, q, severity):
    low, high = sorted([p, q])
    order = list(RiskLevel)
    assert order.index(risk_level(low, severity)) <= order.index(risk_level(high, severity))
    if severity < 4:
        assert order.index(risk_level(high, severity)) <= order.index(risk_level(high, severity + 1))


def test_the_qualitative_scale_is_monotone_and_documented_cells_hold():
    order = list(RiskLevel)
    for impact in range(1, 5):
        for likelihood in range(1, 6):
            level = order.index(qualitative_level(likelihood, impact))
            if likelihood < 5:
                assert level <= order.index(qualitative_level(likelihood + 1, impact))
            if impact < 4:
                assert level <= order.index(qualitative_level(likelihood, impact + 1))
    assert qualitative_level(1, 1) == "low" and qualitative_level(5, 4) == "serious"
    assert qualitative_level(4, 3) == "serious" and qualitative_level(3, 3) == "high"
    assert len(QUALITATIVE) == 4 and all(len(row) == 5 for row in QUALITATIVE)
    with pytest.raises(ValueError):
        qualitative_level(6, 1)
