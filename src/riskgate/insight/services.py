"""Refreshing the dashboards' tallies: incrementally (every month that holds a record changed since the last
refresh is counted again from the raw rows) by the scheduler every few minutes, and rebuilt from scratch nightly
(which also forgets records deleted by an archive disposal). Idempotent; one transaction per refresh."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from riskgate.intake.models import RiskInformation

from .counting import BATCH, FIELDS, count_rows, month_of, next_month
from .models import DayTally, MonthTally, Refresh

# Records are committed a little after their updated_at; the next refresh looks back this far so none is missed.
OVERLAP = dt.timedelta(minutes=10)


def _store(months: Counter, days: Counter) -> None:
    MonthTally.objects.bulk_create(
        (MonthTally(month=m, organisation_id=o, dimension=d, value=v, count=n) for (m, o, d, v), n in months.items()),
        batch_size=BATCH,
    )
    DayTally.objects.bulk_create(
        (DayTally(day=day, organisation_id=o, count=n) for (day, o), n in days.items()), batch_size=BATCH
    )


def _bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=zone)


def recount(months: set[dt.date]) -> None:
    """Count the given months again from the raw rows (inside the caller's transaction)."""
    for month in sorted(months):
        start, end = _bounds(month)
        rows = RiskInformation.objects.filter(received_at__gte=start, received_at__lt=end).values_list(*FIELDS)
        counted = count_rows(rows.iterator(chunk_size=BATCH))
        MonthTally.objects.filter(month=month).delete()
        DayTally.objects.filter(day__gte=month, day__lt=next_month(month)).delete()
        _store(*counted)


def rebuild(now: dt.datetime | None = None) -> int:
    """Everything counted again from the raw rows."""
    now = now or timezone.now()
    with transaction.atomic():
        state = Refresh.objects.select_for_update().get_or_create(name="information")[0]
        rows = RiskInformation.objects.values_list(*FIELDS).order_by()
        counted = count_rows(rows.iterator(chunk_size=BATCH))
        MonthTally.objects.all().delete()
        DayTally.objects.all().delete()
        _store(*counted)
        state.watermark, state.rebuilt_at = now, now
        state.save()
    return sum(counted[1].values())


def refresh(now: dt.datetime | None = None) -> dict:
    """Count again every month holding a record received or changed since the last refresh (the first refresh
    rebuilds). Returns the months counted again."""
    now = now or timezone.now()
    state = Refresh.objects.filter(name="information").first()
    if state is None or state.watermark is None:
        return {"rebuilt": rebuild(now)}
    with transaction.atomic():
        state = Refresh.objects.select_for_update().get(name="information")
        changed = RiskInformation.objects.filter(updated_at__gte=state.watermark - OVERLAP)
        months = {month_of(timezone.localtime(at).date()) for at in changed.values_list("received_at", flat=True)}
        recount(months)
        state.watermark = now
        state.save(update_fields=["watermark"])
    return {"months": sorted(m.isoformat()[:7] for m in months)}
