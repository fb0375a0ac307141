"""Precision and recall of duplicate detection on a labelled set built from the real RASFF exports, and of both
kinds of proposal (duplicate: the same risk; related: the same product, another defect) on Safety Gate vehicles
and the US recalls.

Usage:  .venv/bin/python bench/dedup/run.py [--data ../shared/data/rasff] [--threshold 0.7 ...]

The labelled set and how it is built: riskgate/intake/similarity_eval.py and
docs/decisions/0006-duplicates-triage-sharing.md.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_setup import RASFF, setup  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(RASFF))
    parser.add_argument("--threshold", type=float, action="append")
    args = parser.parse_args()
    setup()
    from riskgate.intake import similarity
    from riskgate.intake.similarity_eval import evaluate, evaluate_kinds

    thresholds = args.threshold or sorted({0.6, 0.65, similarity.THRESHOLD, 0.75, 0.8})
    results = evaluate(Path(args.data), thresholds)
    first = results[0]
    pairs = sum(r["pairs"] for r in results[:2])
    print(f"{first['items']} items, {pairs} true cross-export pairs; detection took {first['seconds']:.1f} s")
    print("weights and threshold were chosen on Jan-Jun; Jul-Dec is held out")
    print(f"{'threshold':>10s}{'half':>9s}{'pairs':>7s}{'proposed':>10s}{'true':>7s}{'precision':>11s}{'recall':>9s}")
    for r in results:
        mark = "  <- operating threshold" if r["threshold"] == similarity.THRESHOLD else ""
        print(
            f"{r['threshold']:10.2f}{r['half']:>9s}{r['pairs']:7d}{r['proposed']:10d}{r['true']:7d}"
            f"{r['precision']:11.3f}{r['recall']:9.3f}{mark}"
        )
    print()
    print("The wider labelled sample: each source compared within itself; labels from fields the detector does not use")
    wide = evaluate_kinds(Path(args.data).parent)
    print(f"{'source':>22s}{'items':>7s}{'kind':>11s}{'proposed':>10s}{'unlabelled':>12s}{'precision':>11s}"
          f"{'items w/ partner':>18s}{'recall':>8s}")  # fmt: skip
    for r in wide["sources"]:
        for kind in ("duplicate", "related"):
            m = r[kind]
            precision = "—" if m["precision"] is None else f"{m['precision']:.3f}"
            recall = "—" if m["recall"] is None else f"{m['recall']:.3f}"
            print(f"{r['source']:>22s}{r['items']:7d}{kind:>11s}{m['proposed']:10d}{m['unlabelled']:12d}"
                  f"{precision:>11s}{m['items']:18d}{recall:>8s}")  # fmt: skip
    rasff = wide["rasff_high"]
    share = wide["high_right"] / wide["high_all"] if wide["high_all"] else 0.0
    print(
        f"proposals scored >= {wide['high']}: {wide['high_right']} of {wide['high_all']} labelled ones are "
        f"duplicates ({share:.1%}; RASFF cross-export {rasff['right']} of {rasff['all']}); target >= 95 %"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
