"""The labelled evaluation of duplicate detection on real data (bench/dedup prints it; a test checks it).

RASFF publishes each 2024 notification in two exports with different wording — the notifications export
(product name, hazard substance) and the risk-decision export (a free-text subject, often in the notifier's
language, and hazards). The same reference in both is a true duplicate pair (4,342 pairs); a pair of rows with
different references is not. The risk-decision rows are the new arrivals, matched against the 2024
notifications; references are never used by the detector, only to label its proposals. Each row is mapped by
the project's own importers, so the detector sees what it sees in production. Pairs within one export are not
labelled and not counted. Weights and threshold were chosen on January–June; July–December is held out.

The wider sample (issue 26, `evaluate_kinds`) adds Safety Gate motor vehicles and the US recalls, each source
compared within itself as it arrives, and labels both kinds of proposal — "duplicate" (the same risk) and "related"
(the same product, another defect) — from fields the detector does not use:
  - Safety Gate: one brand and one manufacturer's recall code is the same risk; otherwise one brand and one
    product line (the vehicle name's first word) is the same risk when the defect texts (the danger without the
    regulation's boilerplate) share ≥ 60 % of their words, related below 35 %, and left unlabelled between;
    anything else is neither.
  - NHTSA: one make and model, the same way on the recall description; another model is neither.
  - FDA enforcement reports: one firm, reason and report date is one recall event, the same risk; one firm with
    another reason is not a duplicate (related is not labelled); another firm is neither.
  - CPSC: every recall number is its own recall, so every pair is neither (a duplicate proposal is wrong).
Precision counts the labelled proposals (unlabelled ones are reported apart); recall is per item: of the items
that have a partner of that kind, the share that got at least one correct proposal of that kind (confirming one
link joins the item to its case, and the case gathers the rest).
"""

import re
import time
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from . import importers, similarity
from .importers.sources import safety_gate, us_recalls

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
    pool = _pool(everything, sigs)
    is_new = np.arange(len(everything)) >= len(old)
    by_reference = {x.reference: k for k, x in enumerate(old)}
    truth = {(by_reference[x.reference], len(old) + k) for k, x in enumerate(new) if x.reference in by_reference}
    results = []
    for threshold in thresholds:
        found = similarity.proposals(pool, is_new, threshold=threshold)
        seconds = time.monotonic() - started
        cross = {(a, b) for a, b, _s, _r, kind in found if a < len(old) <= b and kind == similarity.DUPLICATE}
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


_BOILERPLATE = re.compile(r"The product does not comply.*$|This (?:may|could|can|increases).*$", re.S)


def _norm(value: str) -> str:
    return re.sub(r"[\W_]+", "", (value or "").casefold())


def _line(name: str) -> str:
    first = (name or "").split(maxsplit=1)
    return _norm(first[0]) if first else ""


def _defect_words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{3,}", _BOILERPLATE.sub("", (text or "").lower())))


def _by_defect(a: str, b: str) -> str:
    wa, wb = _defect_words(a), _defect_words(b)
    overlap = len(wa & wb) / max(len(wa | wb), 1)
    return "duplicate" if overlap >= 0.6 else "related" if overlap < 0.35 else "unlabelled"


def label_safety_gate(a: dict, b: dict) -> str:
    if _norm(a["brand"]) != _norm(b["brand"]):
        return "neither"
    code = _norm(a["company_recall_code"])
    if code and code == _norm(b["company_recall_code"]):
        return "duplicate"
    if not _line(a["name"]) or _line(a["name"]) != _line(b["name"]):
        return "neither"
    return _by_defect(a["danger"], b["danger"])


def label_nhtsa(a: dict, b: dict) -> str:
    if _norm(a["make"]) != _norm(b["make"]) or _norm(a["model"]) != _norm(b["model"]):
        return "neither"
    return _by_defect(a["recall_description"], b["recall_description"])


def label_fda(a: dict, b: dict) -> str:
    if a["firm"] != b["firm"]:
        return "neither"
    if a["reason"] == b["reason"] and a["report_date"] == b["report_date"]:
        return "duplicate"
    return "not_duplicate"


def label_cpsc(a: dict, b: dict) -> str:
    return "neither"


def _source_items(path: Path, mapper) -> tuple[list[SimpleNamespace], list[dict]]:
    found, rows = [], []
    for _line_no, row in importers.read_csv(path):
        _reference, fields = mapper(row)
        values = {name: fields.get(name, "") for name in FIELDS}
        values.update(
            notified_on=fields.get("notified_on"),
            notifying_country=fields.get("notifying_country", ""),
            origin_countries=fields.get("origin_countries", []),
            product_category=fields.get("product_category", ""),
        )
        found.append(SimpleNamespace(**values))
        rows.append(row)
    return found, rows


def _pool(found: list[SimpleNamespace], sigs: np.ndarray) -> similarity.Pool:
    return similarity.Pool.of(
        (k, sigs[k].tobytes(), i.notified_on, i.notifying_country, i.origin_countries, i.product_category, i.gtin,
         i.brand, i.model, i.batch, 0)
        for k, i in enumerate(found)
    )  # fmt: skip


def _detect(found: list[SimpleNamespace], new: np.ndarray) -> list[tuple]:
    sigs = similarity.signatures([similarity.shingles(*similarity.text_of(i)) for i in found])
    return similarity.proposals(_pool(found, sigs), new)


def _measure(proposed: dict, truth: dict[str, set], kind: str, wrong: set[str]) -> dict:
    """Precision over the labelled proposals of `kind` and per-item recall; `wrong`: the labels that count against."""
    mine = {pair: label for pair, (k, label) in proposed.items() if k == kind}
    right = {pair for pair, label in mine.items() if label == kind}
    judged = {pair for pair, label in mine.items() if label == kind or label in wrong}
    partners = {item for pair in truth.get(kind, ()) for item in pair}
    linked = {item for pair in right for item in pair}
    return {
        "proposed": len(mine),
        "unlabelled": len(mine) - len(judged),
        "correct": len(right),
        "precision": len(right) / len(judged) if judged else None,
        "items": len(partners),
        "recall": len(linked & partners) / len(partners) if partners else None,
    }


SOURCES = (
    ("Safety Gate vehicles", "safety_gate/safety_gate_motor_vehicles.csv", "map_safety_gate", label_safety_gate),
    ("NHTSA", "us_recalls/nhtsa_recalls.csv", "map_nhtsa", label_nhtsa),
    ("FDA", "us_recalls/fda_enforcement_2026-01_to_2026-04.csv", "map_fda", label_fda),
    ("CPSC", "us_recalls/cpsc_recalls_2025-10_to_2026-04.csv", "map_cpsc", label_cpsc),
)


def evaluate_kinds(shared: Path, high: float = 0.99) -> dict:
    """Per source and kind: precision and recall; and over every source, RASFF's cross-export pairs included, the
    share of proposals scored ≥ `high` that are true duplicates."""
    mappers = {"map_safety_gate": safety_gate.map_safety_gate, **{n: getattr(us_recalls, n) for n in
               ("map_nhtsa", "map_fda", "map_cpsc")}}  # fmt: skip
    results, high_right, high_all = [], 0, 0
    for name, path, mapper, label in SOURCES:
        found, rows = _source_items(shared / path, mappers[mapper])
        started = time.monotonic()
        proposals = _detect(found, np.ones(len(found), dtype=bool))
        seconds = time.monotonic() - started
        proposed = {(a, b): (kind, label(rows[a], rows[b])) for a, b, _s, _r, kind in proposals}
        truth: dict[str, set] = {"duplicate": set(), "related": set()}
        for a, b in combinations(range(len(rows)), 2):
            kind = label(rows[a], rows[b])
            if kind in truth:
                truth[kind].add((a, b))
        for a, b, score, _r, _kind in proposals:
            if score >= high:
                verdict = proposed[(a, b)][1]
                if verdict in ("duplicate", "neither", "related", "not_duplicate"):
                    high_all += 1
                    high_right += verdict == "duplicate"
        results.append(
            {
                "source": name,
                "items": len(found),
                "seconds": seconds,
                "duplicate": _measure(proposed, truth, "duplicate", {"neither", "related", "not_duplicate"}),
                "related": _measure(proposed, truth, "related", {"neither", "duplicate"}),
            }
        )
    rasff = rasff_high(shared / "rasff", high)
    high_right += rasff["right"]
    high_all += rasff["all"]
    return {"sources": results, "rasff_high": rasff, "high": high, "high_right": high_right, "high_all": high_all}


def rasff_high(data: Path, high: float) -> dict:
    """RASFF's 2024 risk-decision rows against its notifications: proposals across the two exports scored ≥ high,
    and how many of them name one notification (its reference in both exports)."""
    old = items(
        data / "rasff_notifications_2020-01_to_2024-10.csv",
        importers.map_rasff,
        lambda f: f["notified_on"] and f["notified_on"].year == 2024,
    )
    new = items(data / "rasff_risk_decision_2024.csv", importers.map_rasff_risk_decision, lambda f: True)
    everything = old + new
    found = _detect(everything, np.arange(len(everything)) >= len(old))
    cross = [(a, b) for a, b, score, _r, _k in found if a < len(old) <= b and score >= high]
    right = sum(everything[a].reference == everything[b].reference for a, b in cross)
    return {"right": right, "all": len(cross)}
