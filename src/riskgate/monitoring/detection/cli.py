"""`riskgate detect --method METHOD --input SERIES.csv [--param NAME=VALUE ...] [--range FIRST:LAST]
[--output FILE]`: run one aberration detector on one weekly series, without a server or a database.

SERIES.csv has a header; its `observed` column holds the weekly counts, oldest first; an optional column `date`
(ISO dates, one week apart) or `index`/`idx`/`epoch` names the weeks, and an optional `mu0` column gives glrnb its
in-control means. METHOD is the reference
function's name (`METHODS`); parameters take the reference's names; FIRST:LAST are 1-based positions, inclusive,
as in the reference (default: every week the method can judge). One CSV line per judged week goes to standard
output (or FILE): `index,observed,upperbound,alarm,expected`, with NA where there is no value. Every error is one
line on standard error: exit status 2 for a bad input or usage, 1 for anything else."""

import argparse
import csv
import datetime as dt
import math
import sys

import numpy as np

from .common import ParameterError
from .registry import METHODS, run

DATE_COLUMNS = {"date"}
INDEX_COLUMNS = {"index", "idx", "epoch", "week"}


class UsageError(Exception):
    """A usage or input error: one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="riskgate detect", description=__doc__.split("\n\n")[0], add_help=True)
    p.add_argument("--method", required=True, help=f"one of {', '.join(METHODS)}")
    p.add_argument("--input", required=True, help="CSV with an observed column (and a date or index column)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter, repeatable")
    p.add_argument("--range", dest="range_", metavar="FIRST:LAST", help="1-based positions to judge, inclusive")
    p.add_argument("--output", help="write the CSV here instead of standard output")
    return p


def read_series(path: str) -> tuple[np.ndarray, list[dt.date] | None, np.ndarray | None]:
    """The counts, the weeks' dates if the file has a date column, and the in-control means if it has a `mu0`
    column (read by glrnb)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    if not rows:
        raise UsageError(f"{path}: empty file")
    header = [name.strip().lower() for name in rows[0]]
    if "observed" not in header:
        raise UsageError(f"{path}: no 'observed' column (columns: {', '.join(rows[0])})")
    observed_at = header.index("observed")
    date_at = next((n for n, name in enumerate(header) if name in DATE_COLUMNS), None)
    mu0_at = header.index("mu0") if "mu0" in header else None
    counts, dates, means = [], [], []
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise UsageError(f"{path}: line {line}: {len(row)} fields, the header has {len(header)}")
        text = row[observed_at].strip()
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"{path}: line {line}: observed {text!r} is not a number") from None
        if not math.isfinite(value) or value < 0 or value != int(value):
            raise UsageError(f"{path}: line {line}: observed {text!r} is not a whole count of zero or more")
        counts.append(value)
        if mu0_at is not None:
            try:
                mean = float(row[mu0_at])
            except ValueError:
                raise UsageError(f"{path}: line {line}: mu0 {row[mu0_at]!r} is not a number") from None
            if not mean > 0 or not math.isfinite(mean):
                raise UsageError(f"{path}: line {line}: mu0 {row[mu0_at]!r} is not a positive number")
            means.append(mean)
        if date_at is not None:
            try:
                dates.append(dt.date.fromisoformat(row[date_at].strip()))
            except ValueError:
                raise UsageError(f"{path}: line {line}: date {row[date_at]!r} is not an ISO date") from None
    if not counts:
        raise UsageError(f"{path}: no weeks")
    if date_at is not None:
        for line, (before, after) in enumerate(zip(dates, dates[1:], strict=False), 3):
            if (after - before).days != 7:
                raise UsageError(f"{path}: line {line}: weeks must be 7 days apart ({before} then {after})")
    return np.array(counts), (dates if date_at is not None else None), (np.array(means) if means else None)


def parse_range(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    first, sep, last = text.partition(":")
    try:
        if not sep:
            raise ValueError
        return int(first), int(last)
    except ValueError:
        raise UsageError(f"--range {text!r}: expected FIRST:LAST, two whole numbers") from None


def parse_params(pairs: list[str]) -> dict[str, str]:
    given = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param {pair!r}: expected NAME=VALUE")
        if name.strip() in given:
            raise UsageError(f"--param {name.strip()} is given twice")
        given[name.strip()] = value.strip()
    return given


def _cell(value: float) -> str:
    if math.isnan(value):
        return "NA"
    return str(int(value)) if value == int(value) and abs(value) < 2**53 else repr(float(value))


def write(result, handle) -> None:
    out = csv.writer(handle, lineterminator="\n")
    out.writerow(["index", "observed", "upperbound", "alarm", "expected"])
    for row in zip(result.index, result.observed, result.upperbound, result.alarm, result.expected, strict=True):
        index, observed, bound, alarm, expected = row
        out.writerow([int(index), int(observed), _cell(bound), int(alarm), _cell(expected)])


def main(argv: list[str]) -> int:
    try:
        options = parser().parse_args(argv)
        counts, dates, means = read_series(options.input)
        given = parse_params(options.param)
        typed = {}
        if means is not None:
            if options.method != "glrnb":
                raise UsageError(f"{options.input}: the mu0 column is read by glrnb only, not by {options.method}")
            typed["mu0"] = means
        result = run(options.method, counts, parse_range(options.range_), given, dates=dates, **typed)
        if options.output:
            with open(options.output, "w", encoding="utf-8", newline="") as handle:
                write(result, handle)
        else:
            write(result, sys.stdout)
    except (UsageError, ParameterError) as exc:
        print(f"riskgate detect: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("riskgate detect: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a command line reports one line, never a traceback
        print(f"riskgate detect: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
