"""Counting risk information for the tallies: which month and day a record falls in (Beijing time), and the
(dimension, value) pairs it counts under — one place for the refresh and the raw fallback alike."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.utils import timezone

from .models import Dimension

FIELDS = ("received_at", "organisation_id", "source_type", "hazard_types", "product_category", "hs_code_id",
          "origin_countries")  # fmt: skip
BATCH = 5000


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def values_of(source, hazards, category, hs_code, countries) -> Iterable[tuple[str, str]]:
    """The (dimension, value) pairs one record counts under; "" is a value left blank. A list counts each
    distinct value once."""
    yield Dimension.SOURCE, source or ""
    for hazard in sorted(set(hazards or [])) or [""]:
        yield Dimension.HAZARD, str(hazard)[:200]
    yield Dimension.CATEGORY, (category or "")[:200]
    yield Dimension.CHAPTER, (hs_code or "")[:2]
    for country in sorted(set(countries or [])) or [""]:
        yield Dimension.COUNTRY, str(country)[:200]


def count_rows(rows) -> tuple[Counter, Counter]:
    months, days = Counter(), Counter()
    for received_at, organisation, *rest in rows:
        day = timezone.localtime(received_at).date()
        days[day, organisation] += 1
        month = month_of(day)
        for dimension, value in values_of(*rest):
            months[month, organisation, dimension, value] += 1
    return months, days
