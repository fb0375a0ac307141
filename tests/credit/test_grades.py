"""The credit grade computed from events (R-CRD-1): explained event by event, recomputed from the events by an
independent reading of the model, monotone in unfavourable events, overridden only with a second officer, moved
by time at night, and applied at the border through the screening API."""

import datetime as dt
import math

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from riskgate.core.models import AuditEvent
from riskgate.credit import queries, scoring, services
from riskgate.credit.catalogue import EVENT_TYPES
from riskgate.credit.models import CreditEvent, CreditRecord, EventType, GradeChange, GradeOverride
from riskgate.targeting import live
from riskgate.targeting import services as targeting
from riskgate.targeting.models import PortOffice, ScreeningDecision
from riskgate.targeting.services import supervision

pytestmark = pytest.mark.django_db
RANK = {"dishonest": 0, "regular": 1, "advanced": 2}


def _event(enterprise, kind, source, days_ago, now=None):
    now = now or timezone.now()
    return services.record_event(
        enterprise=enterprise, kind=kind, source=source, detail="测试", occurred_at=now - dt.timedelta(days=days_ago)
    )


def _by_hand(enterprise, now) -> tuple[float, str]:
    """The model of docs/decisions/0020 read literally, one event at a time in plain Python."""
    sums, certified, ceiling = {}, False, 2
    for event in CreditEvent.objects.filter(enterprise=enterprise):
        kind = EventType.objects.get(code=event.kind)
        age = max((now - event.occurred_at).total_seconds() / 86400, 0)
        if kind.lasts_days is not None and age >= kind.lasts_days:
            continue
        weight = 0.5 ** (age / kind.half_life_days) if kind.half_life_days else 1.0
        sums[kind.code] = sums.get(kind.code, 0.0) + kind.points * weight
        certified |= kind.certifies
        if kind.ceiling:
            ceiling = min(ceiling, RANK[kind.ceiling])
    total = 70.0
    for code, value in sums.items():
        cap = EventType.objects.get(code=code).cap
        total += max(-cap, min(cap, value)) if cap is not None else value
    score = min(100.0, max(0.0, total))
    rank = 0 if score < 50 else (2 if score >= 85 and certified else 1)
    return score, ["dishonest", "regular", "advanced"][min(rank, ceiling)]


def test_the_grade_is_explained_event_by_event_and_recomputed_from_the_events(world):
    enterprise = world.org("ent-xian-trading")
    _event(enterprise, "customs_certified", "document:AEO-1", 100)
    _event(enterprise, "award", "document:奖-1", 30)
    assert queries.grade_of(enterprise) == "advanced"
    for n in range(7):  # seven non-conformities: their sum is capped at 20
        _event(enterprise, "inspection_non_conforming", f"inspection:IT{n}", n * 10)
    now = timezone.now()
    score, grade = _by_hand(enterprise, now)
    record = CreditRecord.objects.get(enterprise=enterprise)
    assert record.grade == record.computed_grade == grade == "regular"
    assert record.score == pytest.approx(score, abs=0.01)
    why = queries.explanation(enterprise, now)
    assert why["grade"] == grade and why["score"] == pytest.approx(score, abs=0.01)
    assert len(why["events"]) == 9 and why["certified"]
    assert [c["type"].code for c in why["capped"]] == ["inspection_non_conforming"]
    award = next(r for r in why["events"] if r["type"].code == "award")
    assert award["weight"] == pytest.approx(0.5 ** (30 / 365), abs=0.001)
    assert award["contribution"] == pytest.approx(5 * 0.5 ** (30 / 365), abs=0.01)
    # The history names the event that moved the grade; the change is audited.
    change = GradeChange.objects.filter(enterprise=enterprise).first()
    assert (change.before, change.after) == ("advanced", "regular") and "口岸查验不合格" in change.reason
    assert (
        AuditEvent.objects.filter(action="organisation.credit_grade_changed", object_id=str(enterprise.pk)).count() == 2
    )
    # Recording the same fact again changes nothing.
    assert not _event(enterprise, "award", "document:奖-1", 30)
    assert GradeChange.objects.filter(enterprise=enterprise).count() == 2


def test_a_ceiling_holds_the_grade_whatever_the_score(world):
    enterprise = world.org("ent-chongqing-moto")
    _event(enterprise, "customs_certified", "document:AEO-2", 10)
    _event(enterprise, "recall_concealed", "recall-enforcement:1", 5)  # 90 − 30 = 60, and at most regular
    why = queries.explanation(enterprise)
    assert why["grade"] == "regular" and [r["type"].code for r in why["ceilings"]] == ["recall_concealed"]
    _event(enterprise, "recall_refused", "recall-enforcement:2", 1)
    assert queries.grade_of(enterprise) == "dishonest"


def _catalogue_types() -> scoring.Types:
    rank = {"dishonest": 0, "regular": 1, "advanced": 2}
    rows = sorted(EVENT_TYPES)
    return scoring.Types.of([(r[0], r[3], r[4], r[5], rank.get(r[6]), r[7], r[8]) for r in rows])


TYPES = _catalogue_types()
UNFAVOURABLE = [i for i, p in enumerate(TYPES.points) if p <= 0]
events = st.lists(st.tuples(st.integers(0, len(TYPES.codes) - 1), st.floats(0, 2500, allow_nan=False)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(events, st.sampled_from(UNFAVOURABLE), st.floats(0, 2500, allow_nan=False))
def test_an_unfavourable_event_never_raises_the_grade(history, bad, age):
    def graded(rows):
        kinds = np.array([k for k, _a in rows], dtype=np.intp)
        ages = np.array([a for _k, a in rows], dtype=float)
        result = scoring.grade(TYPES, np.zeros(len(rows), dtype=np.intp), kinds, ages, 1)
        return int(result.grade[0]), float(result.score[0])

    before, score_before = graded(history)
    after, score_after = graded([*history, (bad, age)])
    assert after <= before and score_after <= score_before + 1e-9


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, len(TYPES.codes) - 1), st.floats(0, 2000)), max_size=60))
def test_grading_many_enterprises_at_once_equals_grading_each(rows):
    enterprise = np.array([e for e, _k, _a in rows], dtype=np.intp)
    kind = np.array([k for _e, k, _a in rows], dtype=np.intp)
    age = np.array([a for _e, _k, a in rows], dtype=float)
    together = scoring.grade(TYPES, enterprise, kind, age, 5)
    for e in range(5):
        mine = enterprise == e
        alone = scoring.grade(TYPES, np.zeros(mine.sum(), dtype=np.intp), kind[mine], age[mine], 1)
        assert together.grade[e] == alone.grade[0] and math.isclose(together.score[e], alone.score[0], abs_tol=1e-9)


def test_a_manual_override_needs_a_reason_and_a_second_officer(world):
    enterprise = world.org("ent-xian-trading")
    warning, xian = world.user("warning"), world.user("xian")
    with pytest.raises(PermissionDenied):
        services.propose_override(world.user("port"), enterprise, "dishonest", reason="x")
    with pytest.raises(PermissionDenied):
        services.propose_override(world.user("enterprise"), enterprise, "advanced", reason="x")
    with pytest.raises(ValidationError, match="理由"):
        services.propose_override(warning, enterprise, "dishonest", reason=" ")
    with pytest.raises(ValidationError, match="已是"):
        services.propose_override(warning, enterprise, "regular", reason="无变化")
    override = services.propose_override(warning, enterprise, "dishonest", reason="走私被刑事立案")
    assert queries.grade_of(enterprise) == "regular"  # nothing in force yet
    with pytest.raises(ValidationError, match="另一名"):
        services.decide_override(warning, override, approve=True)
    with pytest.raises(PermissionDenied):  # Harbin's officer: not in the jurisdiction
        services.decide_override(world.user("harbin"), override, approve=True)
    services.decide_override(xian, override, approve=True, note="同意")
    assert queries.grade_of(enterprise) == "dishonest"
    change = GradeChange.objects.get(enterprise=enterprise)
    assert change.override == override and change.changed_by == xian and "走私被刑事立案" in change.reason
    # Events still count under the override: the computed grade moves, the grade in force does not.
    _event(enterprise, "customs_certified", "document:AEO-3", 1)
    record = CreditRecord.objects.get(enterprise=enterprise)
    assert (record.computed_grade, record.grade) == ("advanced", "dishonest")
    services.end_override(warning, override, reason="刑事案件撤销")
    assert queries.grade_of(enterprise) == "advanced"
    assert list(GradeOverride.objects.values_list("status", flat=True)) == ["ended"]
    actions = set(AuditEvent.objects.filter(object_type="credit.gradeoverride").values_list("action", flat=True))
    assert actions == {"credit_override.proposed", "credit_override.approved", "credit_override.ended"}


def test_a_rejected_override_needs_a_note_and_changes_nothing(world):
    enterprise = world.org("ent-xian-trading")
    override = services.propose_override(world.user("warning"), enterprise, "advanced", reason="表现良好")
    with pytest.raises(ValidationError, match="意见"):
        services.decide_override(world.user("xian"), override, approve=False)
    services.decide_override(world.user("xian"), override, approve=False, note="无海关认证")
    assert queries.grade_of(enterprise) == "regular" and not GradeChange.objects.exists()


def test_the_nightly_run_lets_events_fade_ends_overrides_and_is_idempotent(world):
    enterprise, other = world.org("ent-baoji-toys"), world.org("ent-harbin-timber")
    now = timezone.now()
    _event(enterprise, "measure_credit_downgrade", "measure:RM1", 0, now)
    assert queries.grade_of(enterprise) == "dishonest"
    override = services.propose_override(
        world.user("warning"), other, "advanced", reason="试点", until=timezone.localdate() + dt.timedelta(days=30)
    )
    services.decide_override(world.user("harbin"), override, approve=True, note="同意")
    assert queries.grade_of(other) == "advanced"
    later = now + dt.timedelta(days=400)  # half-life 730 days: −40 × 2^(−400/730) ≈ −27.3, score 42.7
    counts = services.recompute_all(later)
    assert queries.grade_of(enterprise) == "dishonest" and queries.grade_of(other) == "regular"
    assert counts["overrides_ended"] == 1
    much_later = now + dt.timedelta(days=1000)  # −40 × 2^(−1000/730) ≈ −15.5: regular again
    services.recompute_all(much_later)
    assert queries.grade_of(enterprise) == "regular"
    assert services.recompute_all(much_later) == {"records_updated": 0, "grades_changed": 0, "overrides_ended": 0}
    score, grade = _by_hand(enterprise, much_later)
    record = CreditRecord.objects.get(enterprise=enterprise)
    assert record.score == pytest.approx(score, abs=0.01) and record.grade == grade
    run = AuditEvent.objects.filter(action="credit.grades_recomputed").order_by("seq")
    assert run.count() == 2 and str(enterprise.pk) in run.last().changes["grades_changed"]


def test_a_grade_change_changes_the_sampling_rate_through_the_screening_api(world):
    """An event recorded through the credit API makes the importer dishonest; the border's screening API then
    samples its items at the dishonest factor, without a hand step (credit's version reaches the engine)."""
    from riskgate.accounts.models import Organisation

    PortOffice.objects.get_or_create(
        code="CNXIY", defaults={"organisation": Organisation.objects.get(code="xian-airport-port")}
    )
    supervision.change_policy(
        world.user("warning"),
        {"random_rate": 0.0, "min_random_rate": 0.0, "grade_factors": {"advanced": 0.2, "regular": 1, "dishonest": 3}},
        reason="试行",
    )
    targeting.issue(
        world.user("xian"),
        {"hs_prefixes": ["8507"], "origin_countries": ["CN"], "action": "sample", "sampling_rate": 0.3},
    )
    enterprise = world.org("ent-xian-trading")
    item = {
        "declaration_id": "D0",
        "item_no": 1,
        "direction": "import",
        "hs_code": "8507600090",
        "origin_country": "CN",
        "enterprise_ids": [enterprise.customs_code],
        "port": "CNXIY",
        "description": "锂离子移动电源",
        "value": 100,
        "declared_at": "2026-11-30T09:00:00+08:00",
    }
    port, officer = world.client_for("port"), world.client_for("warning")
    live.reset()

    def screen(prefix):
        items = [{**item, "declaration_id": f"{prefix}{n}"} for n in range(300)]
        response = port.post("/api/v1/screening/batches", {"items": items}, content_type="application/json")
        assert response.status_code == 200, response.content
        return ScreeningDecision.objects.filter(declaration_id__startswith=prefix)

    regular = screen("A")
    assert set(regular.values_list("factor", flat=True)) == {1.0}
    response = officer.post(
        f"/api/v1/credit/enterprises/{enterprise.pk}/events",
        {"kind": "penalty_serious", "source": "西关缉违字〔2026〕1号", "occurred_on": "2026-12-01", "detail": "走私"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grade"] == "dishonest" and body["events"][0]["kind"] == "penalty_serious"
    live._state["checked"] = float("-inf")  # as if the engines' poll interval had passed
    dishonest = screen("B")
    assert set(dishonest.values_list("factor", flat=True)) == {3.0}
    share = dishonest.filter(action="sample").count() / 300
    assert 0.8 < share <= 1.0  # 0.3 × 3
    assert regular.filter(action="sample").count() / 300 < 0.45
    # The enterprise reads its own record without the internal score; another enterprise's is not found.
    own = world.client_for("enterprise").get(f"/api/v1/credit/enterprises/{enterprise.pk}").json()
    assert own["grade"] == "dishonest" and own["score"] is None and own["events"][0]["points"] is None
    other = world.org("ent-chongqing-moto")
    assert world.client_for("enterprise").get(f"/api/v1/credit/enterprises/{other.pk}").status_code == 404


def test_the_credit_demo_grades_lists_and_shares_once(world):
    from riskgate.credit.demo import load_demo_credit
    from riskgate.credit.models import ListEntry, ShareScope

    assert load_demo_credit() == 7  # five facts, two list entries
    assert queries.grade_of(world.org("ent-xian-trading")) == "advanced"
    assert queries.grade_of(world.org("ent-chongqing-moto")) == "dishonest"
    assert queries.grade_of(world.org("ent-baoji-toys")) == "regular"
    published = dict(ListEntry.objects.filter(status="published").values_list("enterprise__code", "kind"))
    assert published == {"ent-chongqing-moto": "black", "ent-xian-trading": "red"}
    assert ShareScope.objects.get().organisation == world.org("sn-market-regulation")
    assert load_demo_credit() == 0
    for code in ("ent-xian-trading", "ent-chongqing-moto"):
        why = queries.explanation(world.org(code))
        assert why["events"] and why["grade"] == queries.grade_of(world.org(code))
