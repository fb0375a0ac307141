"""Benchmarks of signal detection (issue 27): how well the detectors find outbreaks on the 42 simulated scenarios of
Noufaily et al. (2013), and how fast the improved Farrington method judges 100,000 series.

Usage:  .venv/bin/python bench/signals/run.py [simulation|timing|all] [--seed N] [--replicates R]
                                               [--series S] [--peer-sample P] [--chunk C]

simulation — for each of the 42 baseline scenarios (../shared/data/surveillance/noufaily_scenarios_42.csv: weekly
    counts ~ NegBin with mean exp(θ + βt + Σ_j γ1 cos(2πjt/52) + γ2 sin(2πjt/52)), variance φ·mean), R series of six
    years; the last 52 weeks are judged by every detector:
      - without outbreaks: the false-positive rate (alarms per judged week);
      - with one outbreak per series, starting in a uniformly drawn judged week, of Poisson(k × sd) cases (sd the
        baseline's standard deviation at the start) spread over the following weeks by a log-normal(0, 0.5)
        delay in weeks, for k = 2, 4, 6, 8, 10: the probability of detection (an alarm in a week that has outbreak
        cases) and the mean delay from the start to the first such alarm.
    Detectors: the improved Farrington method (b=4, w=3, noPeriods=10, weightsThreshold=2.58,
    pastWeeksNotIncluded=26, nbPlugin) and the original one (noPeriods=1, weightsThreshold=1, delta), both at
    alpha = 0.005; EARS C1, C2, C3, CUSUM (standard), the Poisson GLR (c.ARL=5, mu0 from the weeks before) and the
    Bayes system at the reference's defaults. The Farrington methods run batched (detection.batch), the others
    per series.
timing — S series (default 100,000) of five years of weekly counts (a scenario drawn for each), the last week judged
    by the improved method (alpha 0.005): batched across series, in chunks of C, against the peer — the
    straightforward per-series GLM fit (detection.farrington, the implementation checked against the reference) —
    timed on P series (default 2,000) and scaled to S; the two agree on those P series (checked and printed).

Every figure is printed with the run's seed.
"""

import argparse
import csv
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from riskgate.monitoring.detection import run as run_method  # noqa: E402
from riskgate.monitoring.detection.batch import judge_week  # noqa: E402
from riskgate.monitoring.detection.farrington import farrington_flexible  # noqa: E402

SCENARIOS = ROOT.parent / "shared" / "data" / "surveillance" / "noufaily_scenarios_42.csv"
IMPROVED = {
    "b": 4, "w": 3, "noPeriods": 10, "weightsThreshold": 2.58, "pastWeeksNotIncluded": 26,
    "pThresholdTrend": 1.0, "thresholdMethod": "nbPlugin", "alpha": 0.005,
}  # fmt: skip
ORIGINAL = {
    "b": 4, "w": 3, "noPeriods": 1, "weightsThreshold": 1.0, "pastWeeksNotIncluded": 3,
    "pThresholdTrend": 0.05, "thresholdMethod": "delta", "alpha": 0.005,
}  # fmt: skip
SIZES = (2, 4, 6, 8, 10)
JUDGED = 52


def scenarios() -> list[dict]:
    with SCENARIOS.open(encoding="utf-8") as handle:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def means(scenario: dict, weeks: int) -> np.ndarray:
    t = np.arange(1, weeks + 1)
    log_mean = scenario["theta"] + scenario["beta"] * t
    for j in range(1, int(scenario["m"]) + 1):
        log_mean = log_mean + scenario["gamma1"] * np.cos(2 * np.pi * j * t / 52)
        log_mean = log_mean + scenario["gamma2"] * np.sin(2 * np.pi * j * t / 52)
    return np.exp(log_mean)


def baseline(rng, scenario: dict, count: int, weeks: int) -> np.ndarray:
    mean = means(scenario, weeks)
    phi = scenario["phi"]
    if phi <= 1:
        return rng.poisson(mean, (count, weeks)).astype(float)
    return rng.negative_binomial(mean / (phi - 1), 1 / phi, (count, weeks)).astype(float)


def add_outbreaks(rng, counts: np.ndarray, scenario: dict, k: int, first: int):
    """One outbreak a series in weeks first…end; returns the counts and, per series, its start and its weeks."""
    weeks = counts.shape[1]
    mean = means(scenario, weeks)
    starts = rng.integers(first, weeks, len(counts))
    spans = []
    out = counts.copy()
    for i, start in enumerate(starts):
        cases = rng.poisson(k * np.sqrt(scenario["phi"] * mean[start]))
        delays = np.floor(rng.lognormal(0.0, 0.5, cases)).astype(int)
        hit = start + delays
        hit = hit[hit < weeks]
        np.add.at(out[i], hit, 1)
        spans.append(set(hit.tolist()))
    return out, starts, spans


def judge_batched(counts: np.ndarray, config: dict, dates, first: int) -> np.ndarray:
    """Alarms (series × judged weeks) of a Farrington configuration, one batch per week."""
    return np.column_stack(
        [judge_week(counts, t0, dates=dates, **config)["alarm"] for t0 in range(first, counts.shape[1])]
    )


PER_SERIES = {
    "EARS C1": ("earsC", {"method": "C1"}),
    "EARS C2": ("earsC", {"method": "C2"}),
    "EARS C3": ("earsC", {"method": "C3"}),
    "CUSUM": ("cusum", {}),
    "GLR Poisson": ("glrnb", {"c.ARL": "5"}),
    "Bayes": ("bayes", {}),
}


def judge_per_series(counts: np.ndarray, method: str, given: dict, first: int) -> np.ndarray:
    weeks = counts.shape[1]
    rows = []
    for series in counts:
        try:
            rows.append(run_method(method, series, (first + 1, weeks), given).alarm)
        except ValueError:  # a series a method refuses (all zero before the range, for the GLR's mu0)
            rows.append(np.zeros(weeks - first, dtype=int))
    return np.array(rows)


def simulation(seed: int, replicates: int) -> None:
    rng = np.random.default_rng(seed)
    weeks = 6 * 52
    first = weeks - JUDGED
    dates = [dt.date(2015, 1, 5) + dt.timedelta(weeks=n) for n in range(weeks)]
    # Every series of the study in one stack (they share their weeks), so that each detector runs once: per
    # scenario, `replicates` series without outbreak and `replicates` with one for each outbreak size.
    blocks, labels, starts, spans = [], [], [], []
    for scenario in scenarios():
        number = int(scenario["scenario"])
        blocks.append(baseline(rng, scenario, replicates, weeks))
        labels += [(number, 0)] * replicates
        starts += [-1] * replicates
        spans += [set()] * replicates
        for k in SIZES:
            counts, begun, hit = add_outbreaks(rng, baseline(rng, scenario, replicates, weeks), scenario, k, first)
            blocks.append(counts)
            labels += [(number, k)] * replicates
            starts += list(begun)
            spans += hit
    stack = np.vstack(blocks)
    sizes = np.array([k for _n, k in labels])
    numbers = np.array([n for n, _k in labels])
    started = time.perf_counter()
    alarms = {
        "Farrington improved": judge_batched(stack, IMPROVED, dates, first),
        "Farrington original": judge_batched(stack, ORIGINAL, dates, first),
    }
    for name, (method, given) in PER_SERIES.items():
        alarms[name] = judge_per_series(stack, method, given, first)
    seconds = time.perf_counter() - started
    print(
        f"simulation: seed {seed}, {replicates} series per scenario and outbreak size ({len(stack):,} series), "
        f"42 scenarios, {JUDGED} judged weeks a series, {seconds:.0f} s"
    )
    print(
        f"{'detector':20} {'FPR':>7} {'worst (scenario)':>17}  "
        + " ".join(f"{'POD k=' + str(k):>9}" for k in SIZES)
        + " "
        + " ".join(f"{'delay k=' + str(k):>10}" for k in SIZES)
    )
    clean = sizes == 0
    for name, alarm in alarms.items():
        rate = alarm[clean].mean()
        per_scenario = [(alarm[clean & (numbers == n)].mean(), n) for n in range(1, 43)]
        worst, where = max(per_scenario)
        pods, delays = [], []
        for k in SIZES:
            rows = np.flatnonzero(sizes == k)
            detected, waited = 0, []
            for i in rows:
                hits = [w for w in sorted(spans[i]) if w >= first and alarm[i, w - first]]
                if hits:
                    detected += 1
                    waited.append(hits[0] - starts[i])
            pods.append(f"{detected / len(rows):9.3f}")
            delays.append(f"{np.mean(waited):10.2f}" if waited else f"{'—':>10}")
        print(f"{name:20} {rate:7.4f} {worst:9.4f} ({where:2d})    " + " ".join(pods) + " " + " ".join(delays))
    print(f"nominal false-positive rate of the two Farrington configurations: {IMPROVED['alpha']}")


def timing(seed: int, count: int, sample: int, chunk: int) -> None:
    rng = np.random.default_rng(seed)
    weeks = 5 * 52 + 1
    dates = [dt.date(2021, 1, 4) + dt.timedelta(weeks=n) for n in range(weeks)]
    table = scenarios()
    chosen = rng.integers(0, len(table), count)
    counts = np.empty((count, weeks))
    for index, scenario in enumerate(table):
        rows = np.flatnonzero(chosen == index)
        counts[rows] = baseline(rng, scenario, len(rows), weeks)
    t0 = weeks - 1
    started = time.perf_counter()
    bounds = np.empty(count)
    for start in range(0, count, chunk):
        bounds[start : start + chunk] = judge_week(counts[start : start + chunk], t0, dates=dates, **IMPROVED)[
            "upperbound"
        ]
    batched = time.perf_counter() - started
    started = time.perf_counter()
    peer = np.array(
        [farrington_flexible(row, (t0 + 1, t0 + 1), dates=dates, **IMPROVED).upperbound[0] for row in counts[:sample]]
    )
    per_series = (time.perf_counter() - started) / sample
    same = np.array_equal(np.isnan(peer), np.isnan(bounds[:sample])) and np.allclose(
        peer[~np.isnan(peer)], bounds[:sample][~np.isnan(peer)], rtol=1e-6
    )
    judged = int((~np.isnan(bounds)).sum())
    print(f"timing: seed {seed}, {count:,} series × {weeks} weeks, the last week judged ({judged:,} judged; the "
          f"rest have no case in their reference weeks or fewer than 5 in the last 4)")  # fmt: skip
    print(f"  batched improved Farrington: {batched:.1f} s ({count / batched:,.0f} series/s, chunks of {chunk:,})")
    print(f"  peer, per-series GLM fits:   {per_series * 1e3:.2f} ms a series on {sample:,} series → "
          f"{per_series * count:.0f} s for {count:,} ({per_series * count / batched:.1f}× the batch)")  # fmt: skip
    print(f"  same bounds on the {sample:,} series: {same}")
    print("  target: under 60 s for 100,000 series")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=["simulation", "timing", "all"], default="all")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--replicates", type=int, default=50)
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--peer-sample", type=int, default=2_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    args = parser.parse_args()
    if args.part in ("timing", "all"):
        timing(args.seed, args.series, args.peer_sample, args.chunk)
    if args.part in ("simulation", "all"):
        simulation(args.seed, args.replicates)
    return 0


if __name__ == "__main__":
    sys.exit(main())
