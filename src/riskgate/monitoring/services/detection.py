"""The detection job (R-MON-5, 早发现): count risk information per week in every series of a profile and judge
the weeks asked for with the profile's detector; a week above its bound becomes a signal, once.

A record counts in the week (Monday to Sunday) of its notification date, or of its receipt when it has none; in
every series its dimension values put it in (a record with two hazard types counts in both; its region is its
responsible organisation's province); not at all when it lacks a value for one of the profile's dimensions. Series
with fewer than `min_cases` records in their history, and series too short for the detector (the improved
Farrington method needs b years and w weeks before the judged week), are not judged; the run counts them."""

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.text import local

from .. import queries
from ..detection import ParameterError, run
from ..models import DetectionProfile, DetectionRun, Dimension, Signal

CHART_WEEKS = 52  # weeks of history a signal keeps for its chart


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def last_complete_week(today: dt.date | None = None) -> dt.date:
    """The Monday of the last week that has ended."""
    return week_of(today or timezone.localdate()) - dt.timedelta(weeks=1)


def _category(text: str) -> str:
    """A product category as one series whatever its spelling: the sources write "Fruits and vegetables" one
    year and "fruits and vegetables" the next."""
    return " ".join(text.split()).capitalize()


def _values(dimension: str, row: dict) -> list[str]:
    if dimension == Dimension.PRODUCT_CATEGORY:
        return [_category(row["product_category"])] if row["product_category"].strip() else []
    if dimension == Dimension.HAZARD_TYPE:
        return sorted(set(row["hazard_types"] or []))
    if dimension == Dimension.ORIGIN_COUNTRY:
        return sorted(set(row["origin_countries"] or []))
    if dimension in (Dimension.HS_CHAPTER, Dimension.HS_HEADING):
        digits = 2 if dimension == Dimension.HS_CHAPTER else 4
        code = row["hs_code_id"] or row["declared_hs_code"] or ""
        return [code[:digits]] if len(code) >= digits and code[:digits].isdigit() else []
    if dimension == Dimension.REGION:  # the responsible organisation's province
        region = row["organisation__region_id"] or ""
        return [f"{region[:2]}0000"] if len(region) >= 2 else []
    return [row["external_system"] or row["source_type"]]


def series_key(series: dict[str, str]) -> str:
    return "|".join(f"{d}={v}" for d, v in series.items())


@dataclass
class Counts:
    """Weekly counts per series from `first` (a Monday) on, and the records of each series and week."""

    first: dt.date
    weeks: int
    series: dict[str, dict[str, str]] = field(default_factory=dict)
    counts: dict[str, np.ndarray] = field(default_factory=dict)
    records: dict[tuple[str, int], list[int]] = field(default_factory=lambda: defaultdict(list))

    def monday(self, position: int) -> dt.date:
        return self.first + dt.timedelta(weeks=position)

    def position(self, monday: dt.date) -> int:
        return (monday - self.first).days // 7


def count(profile: DetectionProfile, until: dt.date) -> Counts | None:
    """The weekly series of the profile up to the week starting `until` (a Monday), or None without data."""
    last_day = until + dt.timedelta(days=6)
    rows = []
    for values in queries.counted_rows(profile, last_day):
        row = dict(zip(queries.COUNTED_FIELDS, values, strict=True))
        day = row["notified_on"] or timezone.localtime(row["received_at"]).date()
        if day <= last_day:
            rows.append((week_of(day), row))
    if not rows:
        return None
    first = min(monday for monday, _row in rows)
    result = Counts(first=first, weeks=(until - first).days // 7 + 1)
    for monday, row in rows:
        at = result.position(monday)
        for combination in itertools.product(*(_values(d, row) for d in profile.dimensions)):
            series = dict(zip(profile.dimensions, combination, strict=True))
            key = series_key(series)
            if key not in result.counts:
                result.series[key] = series
                result.counts[key] = np.zeros(result.weeks)
            result.counts[key][at] += 1
            result.records[(key, at)].append(row["pk"])
    return result


def _chart(profile: DetectionProfile, data: Counts, key: str, at: int) -> dict:
    """The series' last weeks up to `at` with the detector's expected value and bound, for the signal's chart."""
    counts = data.counts[key][: at + 1]
    dates = [data.monday(n) for n in range(at + 1)]
    for start in range(max(0, at - CHART_WEEKS + 1), at + 1):
        try:
            judged = run(profile.method, counts, (start + 1, at + 1), profile.given(), dates=dates)
            break
        except ParameterError:
            continue
    weeks = range(start, at + 1)
    return {
        "weeks": [data.monday(n).isoformat() for n in weeks],
        "observed": [int(counts[n]) for n in weeks],
        "expected": [None if np.isnan(v) else round(float(v), 4) for v in judged.expected],
        "upperbound": [None if np.isnan(v) else round(float(v), 4) for v in judged.upperbound],
    }


def detect(profile: DetectionProfile, weeks: list[dt.date]) -> DetectionRun | None:
    """Judge the given weeks (Mondays) of every series of the profile; raise each alarm as a signal once.
    Re-running a week changes nothing already decided and raises no signal twice."""
    weeks = sorted({week_of(w) for w in weeks})
    if not weeks:
        return None
    data = count(profile, weeks[-1])
    started = timezone.now()
    judged = skipped = 0
    raised: list[Signal] = []
    for key, counts in data.counts.items() if data else ():
        if counts.sum() < profile.min_cases:
            skipped += 1
            continue
        positions = [data.position(w) for w in weeks if data.position(w) >= 0]
        if not positions:
            continue
        dates = [data.monday(n) for n in range(len(counts))]
        try:
            result = run(profile.method, counts, (positions[0] + 1, positions[-1] + 1), profile.given(), dates=dates)
        except ParameterError:
            skipped += 1
            continue
        judged += 1
        wanted = {p + 1 for p in positions}
        for index, alarm, expected, bound in zip(
            result.index, result.alarm, result.expected, result.upperbound, strict=True
        ):
            if not alarm or int(index) not in wanted:
                continue
            at = int(index) - 1
            signal, created = Signal.objects.get_or_create(
                profile=profile,
                series_key=key,
                week=data.monday(at),
                defaults={
                    "series": data.series[key],
                    "observed": int(counts[at]),
                    "expected": None if np.isnan(expected) else float(expected),
                    "upperbound": None if np.isnan(bound) else float(bound),
                    "method": profile.method,
                    "parameters": profile.given(),
                    "history": _chart(profile, data, key, at),
                    "information_ids": sorted(data.records[(key, at)]),
                    "organisation": profile.organisation,
                },
            )
            if created:
                raised.append(signal)
    with transaction.atomic():
        for week in weeks:
            run_, _created = DetectionRun.objects.update_or_create(
                profile=profile,
                week=week,
                defaults={
                    "started_at": started,
                    "finished_at": timezone.now(),
                    "series_judged": judged,
                    "series_skipped": skipped,
                    "signals_raised": sum(1 for s in raised if s.week == week),
                },
            )
        for signal in raised:
            audit.record(
                actor=None,
                action="monitoring.signal_raised",
                obj=signal,
                changes={"series": signal.series_key, "week": signal.week.isoformat(), "observed": signal.observed},
                organisation_id=signal.organisation_id,
            )
        if raised:
            count_ = len(raised)
            transaction.on_commit(
                lambda: notify_organisation(
                    organisation=profile.organisation,
                    permission=Permission.MONITORING_SIGNAL_DECIDE,
                    kind="monitoring.signals",
                    title=in_both(
                        lambda: _("新的监测信号 %(n)d 条（%(profile)s）") % {"n": count_, "profile": local(profile)}
                    ),
                    link=reverse("monitoring:signals"),
                    object_key=f"monitoring.signals:{profile.pk}:{weeks[0]}:{weeks[-1]}",
                )
            )
    return run_
