"""The warning-level proposal (R-WRN-1): a versioned policy combines risk level, urgency and scope into I–IV."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskgate.assessment.grading import DEFAULT_POLICY, PolicyError, Scope, propose, validate
from riskgate.core.vocabulary import WarningLevel

WIDE = Scope(units=250_000, regions=5, consumers=1_000_000, cross_border=True)
ORDER = [WarningLevel.IV, WarningLevel.III, WarningLevel.II, WarningLevel.I]


@pytest.mark.parametrize(
    ("risk", "urgency", "scope", "level"),
    [
        ("serious", "urgent", WIDE, "I"),  # 4 + 1 + 2 (capped) = 7
        ("serious", "urgent", Scope(cross_border=True), "II"),  # 6
        ("serious", "urgent", Scope(), "II"),  # 5
        ("serious", "normal", Scope(), "III"),  # 4
        ("high", "urgent", WIDE, "II"),  # 6
        ("high", "urgent", Scope(), "III"),  # 4
        ("high", "normal", Scope(), "IV"),  # 3
        ("medium", "urgent", WIDE, "III"),  # 5 → II, above medium's ceiling III
        ("low", "urgent", WIDE, "IV"),  # 4 → III, above low's ceiling IV
    ],
)
def test_the_default_policy(risk, urgency, scope, level):
    assert propose(DEFAULT_POLICY, risk, urgency, scope).level == level


def test_the_proposal_says_why():
    proposal = propose(DEFAULT_POLICY, "medium", "urgent", WIDE)
    assert proposal.policy == "2026-11-default" and proposal.score == 5
    assert proposal.reasons == {
        "risk": 2,
        "urgency": 1,
        "units": 1,
        "regions": 1,
        "consumers": 1,
        "cross_border": 1,
        "scope_cap": -2,
        "ceiling": "III",
    }


def test_unknown_scope_earns_nothing_and_thresholds_are_inclusive():
    assert propose(DEFAULT_POLICY, "serious", "normal", Scope(units=None, regions=2)).reasons == {
        "risk": 4,
        "urgency": 0,
    }
    assert propose(DEFAULT_POLICY, "serious", "normal", Scope(regions=3)).level == "II"  # 5: at the II threshold
    assert propose(DEFAULT_POLICY, "serious", "normal", Scope(units=99_999)).level == "III"


def broken(**changes):
    policy = copy.deepcopy(DEFAULT_POLICY)
    for path, value in changes.items():
        target = policy
        *parents, last = path.split("__")
        for name in parents:
            target = target[name]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return policy


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (broken(thresholds=None), "缺少"),
        (broken(version=""), "版本"),
        (broken(thresholds__I=5), "I > II > III"),
        (broken(scope__height={"at_least": 2, "points": 1}), "未知的影响范围因素"),
        (broken(scope__units__at_least=0), "正整数阈值"),
        (broken(risk_points__high=5), "不得越低"),
        (broken(ceilings__serious="III"), "不得越低"),
        (broken(ceilings__low="V"), "I–IV"),
        (broken(urgency_points__urgent=None), "紧急程度"),
    ],
)
def test_a_broken_policy_is_refused_with_the_reason(policy, message):
    with pytest.raises(PolicyError, match=message):
        validate(policy)
    with pytest.raises(PolicyError):
        propose(policy, "serious", "urgent", WIDE)


def test_an_unknown_urgency_or_risk_level_is_refused():
    with pytest.raises(PolicyError, match="紧急程度"):
        propose(DEFAULT_POLICY, "serious", "whenever", Scope())
    with pytest.raises(ValueError):
        propose(DEFAULT_POLICY, "catastrophic", "urgent", Scope())


scopes = st.builds(
    Scope,
    units=st.none() | st.integers(0, 10**7),
    regions=st.none() | st.integers(0, 40),
    consumers=st.none() | st.integers(0, 10**8),
    cross_border=st.booleans(),
)


@given(st.sampled_from(["low", "medium", "high", "serious"]), st.sampled_from(["normal", "urgent"]), scopes)
def test_more_risk_more_urgency_or_wider_scope_never_lowers_the_level(risk, urgency, scope):
    level = ORDER.index(propose(DEFAULT_POLICY, risk, urgency, scope).level)
    assert level <= ORDER.index(propose(DEFAULT_POLICY, risk, "urgent", scope).level)
    assert level <= ORDER.index(
        propose(DEFAULT_POLICY, risk, urgency, Scope(**{**scope.__dict__, "cross_border": True})).level
    )
    risks = ["low", "medium", "high", "serious"]
    if risk != "serious":
        higher = risks[risks.index(risk) + 1]
        assert level <= ORDER.index(propose(DEFAULT_POLICY, higher, urgency, scope).level)
