"""The window a reported date must fall in: nothing is notified before 1950 or after tomorrow (a day's grace for
time zones). A date such as 2999-01-01 is a typing or system error, refused with a clear message."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = dt.date(1950, 1, 1)


def latest() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def out_of_window(value: dt.date | None) -> str | None:
    """Why the date cannot be a date something was reported on, or None if it can."""
    if value is None:
        return None
    if value < EARLIEST or value > latest():
        return _("日期 %(date)s 不在合理范围内（%(first)s 至 %(last)s）。") % {
            "date": value.isoformat(),
            "first": EARLIEST.isoformat(),
            "last": latest().isoformat(),
        }
    return None
