"""The R package `surveillance`'s outputs on its own datasets (../shared/data/surveillance) and the series they
were computed on, read as they are."""

import csv
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3] / "shared" / "data" / "surveillance"
OUTPUTS = ROOT / "reference_outputs"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def agona() -> tuple[np.ndarray, list[str]]:
    rows = _rows(ROOT / "surveillance_datasets" / "salmonella.agona.csv")
    return np.array([float(r["observed_observed1"]) for r in rows]), [r["epoch"] for r in rows]


def dated(name: str) -> tuple[np.ndarray, list[str]]:
    rows = _rows(OUTPUTS / name)
    return np.array([float(r["observed"]) for r in rows]), [r["date"] for r in rows]


SERIES = {
    "agona": agona,
    "salmNewportDE": lambda: dated("INPUT_salmNewportGermany.csv"),
    "epysurv": lambda: dated("INPUT_epysurv_salmonella_train_test.csv"),
}


def number(text: str) -> float:
    return math.nan if text in {"NA", "NaN", ""} else float(text)


def expected(file: str, series: str, first: int | None = None) -> dict:
    """The reference's judged weeks as 1-based positions in `series`, with their columns as arrays. A file with
    dates is placed by date; one with `idx` by position; one numbered 1… from `first`."""
    rows = _rows(OUTPUTS / file)
    _counts, keys = SERIES[series]()
    if "date" in rows[0]:
        where = {key: n + 1 for n, key in enumerate(keys)}
        index = [where[r["date"]] for r in rows]
    elif "idx" in rows[0]:
        index = [int(r["idx"]) for r in rows]
    else:
        index = [first + int(r["epoch"]) - 1 for r in rows]
    columns = {name: np.array([number(r[name]) for r in rows]) for name in rows[0] if name not in {"date"}}
    return {"index": np.array(index), **columns}


def expected_unit_test() -> dict:
    """glrnb's own unit test: the weeks (t), counts (x), in-control means (mu0), statistic and alarms."""
    rows = _rows(OUTPUTS / "glrnb_unittest_input_and_expected.csv")
    return {name: np.array([number(r[name]) for r in rows]) for name in rows[0]}
