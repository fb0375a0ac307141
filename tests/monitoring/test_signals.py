"""Signal detection in the database (issue 27 items 5 and 6): the daily job counts risk information per week in
every series of a profile and raises each alarm once; the analyst confirms a signal — its records verified, an
assessment requested on them and linked — or dismisses it with a reason; every decision is audited, taken once,
and only by those who may."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from riskgate.assessment.models import Assessment
from riskgate.core.models import AuditEvent
from riskgate.intake.models import RiskInformation
from riskgate.intake.models import Status as InfoStatus
from riskgate.monitoring import services
from riskgate.monitoring.models import DetectionRun, Signal, SignalStatus
from riskgate.monitoring.services.detection import count

from .factories import SERIES, SPIKE, history, profile

pytestmark = pytest.mark.django_db


def _request(world):
    return {
        "title": "土耳其榛子黄曲霉毒素通报增多",
        "hazard_type": "chemical",
        "assignee_kind": "institution",
        "institution": world.org("caiq"),
        "lead": world.user("assessor"),
        "urgency": "normal",
        "question": "研判是否需要加强口岸抽检。",
    }


def test_a_burst_in_the_last_week_raises_one_signal_with_its_records_and_chart(world):
    chosen = profile(world)
    burst = history(world)
    run = services.detect(chosen, [SPIKE])
    assert (run.week, run.series_judged, run.signals_raised) == (SPIKE, 1, 1)
    signal = Signal.objects.get()
    # One series although the source spells the category in lower case in its last year.
    assert signal.series == SERIES and signal.week == SPIKE and signal.observed == 14
    assert signal.expected < 3 and signal.upperbound < 14
    assert signal.information_ids == burst and signal.status == SignalStatus.OPEN
    assert signal.organisation == world.org("gacc-warning-office")
    chart = signal.history
    assert chart["weeks"][-1] == SPIKE.isoformat() and chart["observed"][-1] == 14
    assert len(chart["weeks"]) == len(chart["expected"]) == len(chart["upperbound"]) == 52
    assert AuditEvent.objects.filter(action="monitoring.signal_raised", object_id=str(signal.pk)).exists()
    # Idempotent: the same week again raises nothing new and keeps one run.
    services.detect(chosen, [SPIKE, SPIKE + dt.timedelta(days=3)])
    assert Signal.objects.count() == 1 and DetectionRun.objects.filter(week=SPIKE).count() == 1


def test_no_signal_without_a_burst_and_too_short_or_too_small_series_are_not_judged(world):
    chosen = profile(world)
    history(world, spike=1)
    run = services.detect(chosen, [SPIKE])
    assert (run.series_judged, run.signals_raised) == (1, 0)
    too_small = profile(world, code="small", min_cases=10_000)
    assert services.detect(too_small, [SPIKE]).series_skipped == 1
    # Two years of history are too few for b = 3 years back.
    early = SPIKE - dt.timedelta(weeks=3 * 52)
    run = services.detect(chosen, [early])
    assert (run.series_judged, run.series_skipped) == (0, 1)


def test_rejected_and_merged_items_do_not_count(world):
    chosen = profile(world)
    burst = history(world)
    RiskInformation.objects.filter(pk__in=burst[:12]).update(status=InfoStatus.REJECTED)
    assert count(chosen, SPIKE).counts["|".join(f"{k}={v}" for k, v in SERIES.items())][-1] == 2
    assert services.detect(chosen, [SPIKE]).signals_raised == 0


def test_confirming_verifies_the_records_and_requests_an_assessment_on_them(world):
    chosen = profile(world)
    history(world)
    services.detect(chosen, [SPIKE])
    signal = Signal.objects.get()
    analyst = world.user("warning")
    confirmed = services.confirm(analyst, signal, reason="与欧盟加强检测同期，需研判。", **_request(world))
    assert confirmed.status == SignalStatus.CONFIRMED and confirmed.decided_by == analyst
    assessment = Assessment.objects.get()
    assert confirmed.assessment == assessment
    assert set(assessment.information.values_list("pk", flat=True)) == set(signal.information_ids)
    assert signal.reference in assessment.question
    statuses = set(RiskInformation.objects.filter(pk__in=signal.information_ids).values_list("status", flat=True))
    assert statuses == {InfoStatus.ASSESSMENT_REQUESTED}
    assert AuditEvent.objects.filter(action="monitoring.signal_confirmed", object_id=str(signal.pk)).exists()
    with pytest.raises(ValidationError, match="已研判"):
        services.dismiss(analyst, signal, reason="重复")


def test_dismissing_needs_a_reason_and_is_taken_once(world):
    chosen = profile(world)
    history(world)
    services.detect(chosen, [SPIKE])
    signal = Signal.objects.get()
    analyst = world.user("warning")
    with pytest.raises(ValidationError, match="理由"):
        services.dismiss(analyst, signal, reason="  ")
    services.dismiss(analyst, signal, reason="欧盟集中抽检所致，非真实增多。")
    signal.refresh_from_db()
    assert signal.status == SignalStatus.DISMISSED and signal.reason.startswith("欧盟")
    with pytest.raises(ValidationError, match="已研判"):
        services.confirm(analyst, signal, **_request(world))
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("username", ["xian", "port", "assessor", "enterprise", "auditor"])
def test_only_the_analysts_may_decide(world, username):
    chosen = profile(world)
    history(world)
    services.detect(chosen, [SPIKE])
    signal = Signal.objects.get()
    with pytest.raises(PermissionDenied):
        services.dismiss(world.user(username), signal, reason="无权")
    with pytest.raises(PermissionDenied):
        services.confirm(world.user(username), signal, **_request(world))
    assert Signal.objects.get().status == SignalStatus.OPEN


def test_the_command_judges_a_span_of_weeks_and_says_what_is_wrong(world, capsys):
    profile(world)
    history(world)
    call_command("detect_signals", "--from", str(SPIKE - dt.timedelta(weeks=2)), "--to", str(SPIKE))
    assert "1 series judged" in capsys.readouterr().out  # one series, judged for three weeks
    assert DetectionRun.objects.count() == 3 and Signal.objects.filter(week=SPIKE).count() == 1
    with pytest.raises(CommandError, match="after"):
        call_command("detect_signals", "--from", str(SPIKE), "--to", str(SPIKE - dt.timedelta(weeks=1)))
    with pytest.raises(CommandError, match="ISO date"):
        call_command("detect_signals", "--to", "yesterday")
    with pytest.raises(CommandError, match="no active detection profile"):
        call_command("detect_signals", "--profile", "nothing")


def test_a_profile_with_a_bad_method_or_parameter_is_refused(world):
    with pytest.raises(ValidationError, match="未知的检测方法"):
        profile(world, method="magic")
    with pytest.raises(ValidationError, match="alpha"):
        profile(world, parameters={"alpha": "2"})
    with pytest.raises(ValidationError, match="维度"):
        profile(world, dimensions=["colour"])
    # What the admin's JSON fields accept but a profile cannot use is refused with a message, never a crash.
    with pytest.raises(ValidationError, match="维度"):
        profile(world, dimensions="hazard_type")
    with pytest.raises(ValidationError, match="外部系统名称的列表"):
        profile(world, source_systems="RASFF")
    with pytest.raises(ValidationError, match="参数名到取值的对象"):
        profile(world, parameters=["alpha", "0.01"])


def test_series_by_hs_heading_and_the_responsible_organisations_province(world):
    """Domestic information splits by HS heading and by the province of the organisation responsible for it
    (Xi'an Customs: Shaanxi, 610000); an item without a heading is in no series of that family."""
    from riskgate.core.models import Region
    from riskgate.monitoring.queries import value_label

    chosen = profile(world, code="heading-region", dimensions=["hs_heading", "region"], source_systems=[])
    xian, harbin = world.org("xian-customs"), world.org("harbin-customs")
    rows = [
        RiskInformation(
            source_type="consumer_complaint",
            channel="hotline",
            title=f"充电宝起火 {n}",
            declared_hs_code=code,
            notified_on=SPIKE,
            organisation=organisation,
        )
        for n, (code, organisation) in enumerate(
            [("850760", xian), ("850760", xian), ("8507", harbin), ("85", xian), ("", harbin)]
        )
    ]
    RiskInformation.objects.bulk_create(rows)
    data = count(chosen, SPIKE)
    totals = {key: int(series.sum()) for key, series in data.counts.items()}
    province = harbin.region_id[:2] + "0000"
    assert totals == {"hs_heading=8507|region=610000": 2, f"hs_heading=8507|region={province}": 1}
    assert value_label("region", "610000") == Region.objects.get(code="610000").name
    assert value_label("hs_heading", "8507") == "HS 8507 品目"
