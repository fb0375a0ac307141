"""The labelled evaluation of duplicate detection on real data (bench/dedup prints it; a test checks it).

RASFF publishes each 2024 notification in two exports with different wording — the notifications export
(product name, hazard substance) and the risk-decision export (a free-text subject, often in the notifier's
language, and hazards). The same reference in both is a true duplicate pair (4,342 pairs); a pair of rows with
different references is not. The risk-decision rows are the new arrivals, matched against the 2024
notifications; references are never used by the detector, only to label its proposals. Each row is mapped by
the project's own importers, so the detector sees what it sees in production. Pairs within one export are not
labelled and not counted. Weights and threshold were chosen on January–June; July–December is held out.
"""

import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from . import importers, similarity

FIELDS = ["title", "product_name", "brand", "model", "batch", "gtin", "hazard_detail", "description"]


def items(path: Path, mapper, keep) -> list[SimpleNamespace]:
    out = []
    for _line, row in importers.read_csv(path):
        reference, fields = mapper(row)
        if not keep(fields):
            continue
        values = {name: fields.get(name, "") for name in FIELDS}
        values.update(
            reference=reference,
            notified_on=fields.get("notified_on"),
            notifying_country=fields.get("notifying_country", ""),
            origin_countries=fields.get("origin_countries", []),
            product_category=fields.get("product_category", ""),
        )
        out.append(SimpleNamespace(**values))
    return out


def evaluate(data: Path, thresholds: list[float]) -> list[dict]:
    old = items(
        data / "rasff_notifications_2020-01_to_2024-10.csv",
        importers.map_rasff,
        lambda f: f["notified_on"] and f["notified_on"].year == 2024,
    )
    new = items(data / "rasff_risk_decision_2024.csv", importers.map_rasff_risk_decision, lambda f: True)
    everything = old + new
    started = time.monotonic()
    sigs = similarity.signatures([similarity.shingles(*similarity.text_of(i)) for i in everything])
    pool = similarity.Pool.of(
        (
            k,
            sigs[k].tobytes(),
            i.notified_on,
            i.notifying_country,
            i.origin_countries,
            i.product_category,
            i.gtin,
            i.brand,
            i.model,
            i.batch,
            0,
        )
        for k, i in enumerate(everything)
    )
    is_new = np.arange(len(everything)) >= len(old)
    by_reference = {x.reference: k for k, x in enumerate(old)}
    truth = {(by_reference[x.reference], len(old) + k) for k, x in enumerate(new) if x.reference in by_reference}
    results = []
    for threshold in thresholds:
        found = similarity.proposals(pool, is_new, threshold=threshold)
        seconds = time.monotonic() - started
        cross = {(a, b) for a, b, _s, _r in found if a < len(old) <= b}
        for half, months in (("Jan-Jun", range(1, 7)), ("Jul-Dec", range(7, 13))):
            in_half = {p for p in cross if everything[p[1]].notified_on.month in months}
            truth_half = {p for p in truth if everything[p[1]].notified_on.month in months}
            hits = len(in_half & truth_half)
            results.append(
                {
                    "threshold": threshold,
                    "half": half,
                    "proposed": len(in_half),
                    "true": hits,
                    "precision": hits / len(in_half) if in_half else 0.0,
                    "recall": hits / len(truth_half),
                    "pairs": len(truth_half),
                    "seconds": seconds,
                    "items": len(everything),
                }
            )
    return results
