"""What every detector shares: its result, its parameters and how they are checked."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class ParameterError(ValueError):
    """A parameter or range a detector cannot use; the message names it."""


@dataclass(frozen=True)
class Detection:
    """The judged weeks (1-based positions in the series), their counts, the upper bound of what is expected
    (NaN where the detector cannot judge), the alarms and the expected value (NaN where the method has none)."""

    index: np.ndarray
    observed: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # method-specific columns (scores, dispersion…)


@dataclass(frozen=True)
class Parameter:
    """A parameter under the reference's name: its parser (from the text of `NAME=VALUE`), default and check."""

    parse: Callable[[str], Any]
    default: Any
    check: Callable[[Any], str | None] = lambda value: None  # returns what is wrong, or None


def number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"{text!r} is not a number") from None
    if not np.isfinite(value):
        raise ParameterError(f"{text!r} is not a finite number")
    return value


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ParameterError(f"{text!r} is not a whole number") from None


def boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "t", "1", "yes"}:
        return True
    if lowered in {"false", "f", "0", "no"}:
        return False
    raise ParameterError(f"{text!r} is not TRUE or FALSE")


def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A parameter that may be NULL (R's word for none)."""
    return lambda text: None if text.strip().upper() in {"NULL", "NA", "NONE", ""} else parse(text)


def choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ParameterError(f"{text!r} is not one of {', '.join(options)}")
        return text

    return parse


def between(low: float, high: float, *, open_low: bool = False, open_high: bool = False):
    def check(value) -> str | None:
        if value is None:
            return None
        if value < low or (open_low and value == low) or value > high or (open_high and value == high):
            left, right = "(" if open_low else "[", ")" if open_high else "]"
            return f"must be in {left}{low}, {high}{right}"
        return None

    return check


def at_least(low: float):
    return lambda value: None if value is None or value >= low else f"must be at least {low}"


def positions(range_: tuple[int, int] | None, n: int, first_possible: int) -> np.ndarray:
    """The 0-based positions to judge: the 1-based inclusive `range_` if given, else every week from the first
    one the method can judge (1-based `first_possible`) to the end."""
    if range_ is None:
        first, last = first_possible, n
        if first > last:
            raise ParameterError(
                f"the series has {n} weeks; this method needs at least {first_possible} to judge the last one"
            )
    else:
        first, last = range_
        if not 1 <= first <= last <= n:
            raise ParameterError(f"range {first}:{last} is outside the series' weeks 1:{n}")
        if first < first_possible:
            raise ParameterError(
                f"range starts at week {first}, but this method needs {first_possible - 1} earlier weeks: "
                f"start at {first_possible} or later"
            )
    return np.arange(first - 1, last)


WEEKS_PER_YEAR = 52


def past_windows(y: np.ndarray, t: int, b: int, w: int, this_year: bool) -> np.ndarray:
    """The reference values of week t (0-based) for the Bayes and RKI systems: the (2w + 1)-week windows around the
    same week 1…b years back (52 weeks a year) and, with `this_year`, the w weeks just before t."""
    parts = [y[t - w : t]] if this_year else []
    parts += [y[t - j * WEEKS_PER_YEAR - w : t - j * WEEKS_PER_YEAR + w + 1] for j in range(1, b + 1)]
    return np.concatenate(parts)


def first_with_windows(b: int, w: int) -> int:
    """The first week (1-based) that has all its reference windows."""
    return b * WEEKS_PER_YEAR + w + 1 if b else w + 1


def check_windows(b: int, w: int, this_year: bool) -> None:
    if not this_year and b == 0:
        raise ParameterError("b=0 with actY=FALSE leaves no reference values")
    if this_year and w == 0 and b == 0:
        raise ParameterError("w=0 with b=0 leaves no reference values")
