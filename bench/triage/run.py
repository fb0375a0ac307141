"""Benchmark of the triage suggestions: time-split metrics of our models beside a TF-IDF + LR baseline.

Usage:  .venv/bin/python bench/triage/run.py [--data ../shared/data/rasff]

Both are fitted and scored in this run on the same rows (see riskgate/intake/triage/training.py for the split):
hazard category and product category by macro-F1, the serious class by precision, recall and F1. Exits 1 if
our serious-class F1 does not beat the baseline's.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_setup import RASFF, setup  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(RASFF))
    args = parser.parse_args()
    setup()
    from riskgate.intake.triage import training

    started = time.monotonic()
    r = training.evaluate(Path(args.data))
    h, p, s = r["hazard_category"], r["product_category"], r["serious"]
    print(f"time split, fitted and scored in {time.monotonic() - started:.0f} s")
    print(f"{'':52s}{'ours':>10s}{'baseline':>10s}")
    print(f"hazard category macro-F1 (notifications, n={h['test']})".ljust(52), end="")
    print(f"{h['ours_macro_f1']:10.3f}{h['baseline_macro_f1']:10.3f}")
    print(f"hazard category macro-F1 (risk-decision, n={h['test_risk_decision_format']})".ljust(52), end="")
    print(f"{h['ours_macro_f1_risk_decision_format']:10.3f}{h['baseline_macro_f1_risk_decision_format']:10.3f}")
    print(f"product category macro-F1 (n={p['test']})".ljust(52), end="")
    print(f"{p['ours_macro_f1']:10.3f}{p['baseline_macro_f1']:10.3f}")
    share = s["test_serious_share"]
    print(f"serious class, n={s['test']} ({share:.0%} serious), threshold {s['threshold']:.2f} / 0.50")
    for metric in ("precision", "recall", "f1"):
        print(f"  serious {metric}".ljust(52), end="")
        print(f"{s['ours'][metric]:10.3f}{s['baseline'][metric]:10.3f}")
    beats = s["ours"]["f1"] > s["baseline"]["f1"]
    print("serious-class F1 beats the baseline" if beats else "serious-class F1 does NOT beat the baseline")
    return 0 if beats else 1


if __name__ == "__main__":
    sys.exit(main())
