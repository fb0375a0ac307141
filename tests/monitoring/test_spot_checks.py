"""Double-random spot checks: the draw is reproducible from its published seed and snapshot, a tied inspector is
never drawn, enterprises already checked in the period are left out, and the portal publishes what verifies it."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from riskgate.monitoring import draw as drawing
from riskgate.monitoring.models import CheckOutcome, InspectorTie, SpotCheckDraw
from riskgate.monitoring.queries import programme as queries
from riskgate.monitoring.services import spotchecks

TODAY = timezone.localdate()
START, END = dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31)


def snapshot(enterprises, inspectors, ties, count, per_check=2):
    return {"enterprises": sorted(enterprises), "inspectors": sorted(inspectors), "ties": sorted(ties),
            "count": count, "per_check": per_check}  # fmt: skip


def test_the_same_seed_and_snapshot_give_the_same_selection_and_any_change_another():
    snap = snapshot([f"e{i:02d}" for i in range(30)], [f"i{i}" for i in range(8)], [["i1", "e03"]], 10)
    first = drawing.draw(snap, "ab" * 16)
    assert drawing.draw(json.loads(json.dumps(snap)), "ab" * 16).selection == first.selection
    assert len(first.selection) == 10 and len({s["enterprise"] for s in first.selection}) == 10
    assert drawing.draw(snap, "ac" * 16).selection != first.selection
    changed = {**snap, "inspectors": [*snap["inspectors"], "i9"]}
    assert drawing.draw(changed, "ab" * 16).selection != first.selection
    assert drawing.verify(snap, "ab" * 16, digest=drawing.snapshot_hash(snap), selection=first.selection) == []
    assert len(drawing.verify(changed, "ab" * 16, digest=drawing.snapshot_hash(snap), selection=first.selection)) == 2


def test_the_random_stream_is_the_documented_one():
    """SHA-256(seed ‖ hash ‖ counter): a reader's own implementation gets these numbers."""
    import hashlib

    stream = drawing.Stream("00" * 16, "11" * 32)
    block = hashlib.sha256(bytes(16) + bytes([0x11]) * 32 + (0).to_bytes(8, "big")).digest()
    assert stream.next64() == int.from_bytes(block[:8], "big")


def test_a_snapshot_that_cannot_be_drawn_from_is_said_in_one_line():
    with pytest.raises(drawing.DrawError, match="sorted"):
        drawing.draw(snapshot(["b", "a"], ["i"], [], 1, 1) | {"enterprises": ["b", "a"]}, "ab" * 16)
    with pytest.raises(drawing.DrawError, match="hexadecimal"):
        drawing.draw(snapshot(["a"], ["i"], [], 1, 1), "zz")


@settings(max_examples=150, deadline=None)
@given(
    enterprises=st.integers(1, 25),
    inspectors=st.integers(1, 8),
    tie_bits=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 24)), max_size=60),
    count=st.integers(1, 30),
    per_check=st.integers(1, 4),
    seed=st.binary(min_size=16, max_size=32),
)
def test_a_tied_inspector_is_never_drawn(enterprises, inspectors, tie_bits, count, per_check, seed):
    es = [f"E{i:03d}" for i in range(enterprises)]
    ins = [f"I{i:03d}" for i in range(inspectors)]
    ties = sorted({(ins[i % inspectors], es[e % enterprises]) for i, e in tie_bits})
    snap = snapshot(es, ins, [list(t) for t in ties], count, per_check)
    result = drawing.draw(snap, seed.hex())
    tied = set(ties)
    for chosen in result.selection:
        assert len(chosen["inspectors"]) == per_check == len(set(chosen["inspectors"]))
        assert not any((i, chosen["enterprise"]) in tied for i in chosen["inspectors"])
    drawn = [c["enterprise"] for c in result.selection]
    assert len(drawn) == len(set(drawn)) == min(count, enterprises - len(result.passed_over))
    for skipped in result.passed_over:  # passed over only when too few untied inspectors are left for it
        assert inspectors - sum(1 for i, e in ties if e == skipped) < per_check
    assert drawing.draw(snap, seed.hex()).selection == result.selection


def test_a_draw_is_stored_published_and_verifiable_on_the_portal(world, client):
    warning = world.user("warning")
    draw = spotchecks.draw_checks(warning, title="第一批", kind="routine", period_start=START, period_end=END,
                                  criteria={}, count=4, per_check=2, seed="")  # fmt: skip
    assert len(draw.seed) == 64 and draw.snapshot_sha256 == drawing.snapshot_hash(draw.snapshot)
    assert drawing.draw(draw.snapshot, draw.seed).selection == draw.selection["selection"]
    tie = InspectorTie.objects.get(inspector__username="port")
    assert [f"I{tie.inspector_id:06d}", tie.enterprise.code] in draw.snapshot["ties"]
    for check in draw.checks.all():
        assert not (check.enterprise_id == tie.enterprise_id and tie.inspector in check.inspectors.all())
    assert client.get(reverse("monitoring:portal_draw", args=[draw.pk])).status_code == 404  # not yet public
    spotchecks.publish(warning, draw)
    page = client.get(reverse("monitoring:portal_draw", args=[draw.pk])).content.decode()
    assert draw.seed in page and draw.snapshot_sha256 in page and "data-verified" in page
    body = client.get(reverse("monitoring:portal_snapshot", args=[draw.pk])).content
    assert json.loads(body) == draw.snapshot and drawing.snapshot_hash(json.loads(body)) == draw.snapshot_sha256
    with pytest.raises(ValidationError):
        spotchecks.publish(warning, draw)


def test_a_draw_leaves_out_enterprises_checked_in_the_period_and_inspectors_record_results(world):
    warning = world.user("warning")
    spotchecks.record_external(
        warning,
        agency=world.org("sn-market-regulation"),
        enterprise=world.org("ent-baoji-toys"),
        checked_on=START + dt.timedelta(days=3),
        outcome=CheckOutcome.CONFORMING,
    )
    pool = queries.enterprise_pool(warning, {}, START, END)
    assert "ent-baoji-toys" not in {e.code for e in pool}
    assert "ent-baoji-toys" in {e.code for e in queries.enterprise_pool(warning, {}, END + dt.timedelta(days=1),
                                                                         END + dt.timedelta(days=30))}  # fmt: skip
    first = spotchecks.draw_checks(warning, title="一", kind="routine", period_start=START, period_end=END,
                                   criteria={}, count=2, per_check=1, seed="cd" * 16)  # fmt: skip
    second = spotchecks.draw_checks(warning, title="二", kind="routine", period_start=START, period_end=END,
                                    criteria={}, count=10, per_check=1, seed="cd" * 16)  # fmt: skip
    assert not {c.enterprise_id for c in first.checks.all()} & {c.enterprise_id for c in second.checks.all()}
    check = first.checks.first()
    inspector = check.inspectors.first()
    spotchecks.record_result(inspector, check, outcome=CheckOutcome.NONCONFORMING, findings="台账不全",
                             checked_on=START + dt.timedelta(days=10))  # fmt: skip
    check.refresh_from_db()
    assert check.outcome == CheckOutcome.NONCONFORMING and check.recorded_by == inspector
    outsider = world.user("harbin") if inspector.username != "harbin" else world.user("xian")
    if not check.inspectors.filter(pk=outsider.pk).exists():
        with pytest.raises(PermissionDenied):
            spotchecks.record_result(outsider, check, outcome=CheckOutcome.CONFORMING, checked_on=START)
    with pytest.raises(ValidationError):  # a special check names its commodities
        spotchecks.draw_checks(warning, title="专项", kind="special", period_start=START, period_end=END,
                               criteria={}, count=1, per_check=1)  # fmt: skip
    with pytest.raises(PermissionDenied):
        spotchecks.draw_checks(world.user("port"), title="x", kind="routine", period_start=START,
                               period_end=END, criteria={}, count=1)  # fmt: skip
    assert SpotCheckDraw.objects.count() == 2
