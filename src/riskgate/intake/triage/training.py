"""Training and time-split evaluation of the triage models on the real RASFF exports (needs scikit-learn).

Data (../shared/data/rasff):
  - the notifications export 2020-01 … 2024-10: product, hazard substance, hazard category, product category;
  - the 2024 risk-decision export: subject, hazards, product category and type, countries, and the risk
    decision, whose value "serious" is the serious class (all other decisions are not serious).

Evaluation is a time split: models are fitted on earlier months and scored on later ones —
  hazard category:  fitted on notifications before July 2024, scored on July–October 2024 (notification
                    format) and on the risk-decision rows of those notifications (the format `riskgate
                    triage` reads);
  product category: fitted on both files before July 2024, scored on the risk-decision rows from July 2024;
  serious:          each month from July to December 2024 scored by a model fitted on every month before it
                    (never a random split; the scores of the six months pooled). Within a fitting window the
                    last two months choose the calibration (Platt scaling) and the operating threshold, scored
                    by a model fitted on the months before them, so no month scored ever chooses either.
The baseline, fitted and scored on the same rows in the same run, is TF-IDF over the raw text (subject and
hazards) with scikit-learn's default LogisticRegression and threshold 0.5. Brier scores are reported for both.
The shipped model is then fitted on all rows with the same recipe (its calibration and threshold chosen on
November–December by a model fitted on January–October).
"""

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import features as F
from .linear import LinearModel
from .model import calibrate

SPLIT = dt.date(2024, 7, 1)
SERIOUS_TEST_MONTHS = range(7, 13)
CHECK_MONTHS = 2  # the last months of a fitting window, which choose the calibration and the threshold
C = {"hazard": 10.0, "product": 10.0, "serious": 2.0}
MIN_EXAMPLES = 10  # a category with fewer training examples is not offered


@dataclass
class Example:
    record: F.Record
    date: dt.date
    reference: str
    hazard: str = ""
    product: str = ""
    serious: bool | None = None


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"), newline="")))


def hazard_label(value: str) -> str:
    labels = [v.strip().casefold() for v in (value or "").split(";")]
    labels = [v for v in labels if v and v != "n/a"]
    return labels[0] if labels else ""


def load(data_dir: Path) -> tuple[list[Example], list[Example]]:
    notifications = [
        Example(
            record=F.from_notification_row(row),
            date=dt.datetime.strptime(row["Date of Case"], "%b %d, %Y").date(),
            reference=row["Reference"],
            hazard=hazard_label(row["Hazard Category"]),
            product=row["Product Category"].strip().casefold(),
        )
        for row in _rows(Path(data_dir) / "rasff_notifications_2020-01_to_2024-10.csv")
    ]
    decisions = [
        Example(
            record=F.from_risk_decision_row(row),
            date=dt.date.fromisoformat(row["date"][:10]),
            reference=row["reference"],
            product=row["category"].strip().casefold(),
            serious=row["risk_decision"] == "serious",
        )
        for row in _rows(Path(data_dir) / "rasff_risk_decision_2024.csv")
    ]
    return notifications, decisions


def fit(examples: list[Example], featurize, label, c: float) -> LinearModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=featurize, sublinear_tf=True, min_df=2)
    x = vectorizer.fit_transform([e.record for e in examples])
    classifier = LogisticRegression(C=c, max_iter=3000).fit(x, [label(e) for e in examples])
    return LinearModel.from_sklearn(vectorizer, classifier)


def fit_baseline(examples: list[Example], label):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=3000))
    return model.fit([raw_text(e.record) for e in examples], [label(e) for e in examples])


def raw_text(record: F.Record) -> str:
    return f"{record.text} {record.hazards}"


def serious_label(e: Example) -> str:
    return "serious" if e.serious else "not_serious"


def _frequent(examples: list[Example], attr: str) -> list[Example]:
    counts: dict[str, int] = {}
    for e in examples:
        counts[getattr(e, attr)] = counts.get(getattr(e, attr), 0) + 1
    return [e for e in examples if getattr(e, attr) and counts[getattr(e, attr)] >= MIN_EXAMPLES]


def _predict(model: LinearModel, featurize, examples: list[Example]) -> list[str]:
    probabilities = model.probabilities_many([featurize(e.record) for e in examples])
    return ["" if p is None else model.classes[int(np.argmax(p))] for p in probabilities]


def _p_serious(model: LinearModel, examples: list[Example]) -> np.ndarray:
    positive = model.classes.index("serious")
    probabilities = model.probabilities_many([F.serious_features(e.record) for e in examples])
    return np.array([0.0 if p is None else float(p[positive]) for p in probabilities])


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    candidates = np.round(np.arange(0.20, 0.80, 0.02), 2)
    return float(max(candidates, key=lambda t: (f1_score(y, p >= t), -abs(t - 0.5))))


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, predicted, average="macro", zero_division=0))


def binary_scores(y: np.ndarray, flagged: np.ndarray) -> dict:
    from sklearn.metrics import f1_score, precision_score, recall_score

    return {
        "precision": float(precision_score(y, flagged, zero_division=0)),
        "recall": float(recall_score(y, flagged, zero_division=0)),
        "f1": float(f1_score(y, flagged, zero_division=0)),
    }


def _hazard_pairs(notifications: list[Example], decisions: list[Example]) -> list[Example]:
    """Risk-decision rows labelled with the hazard category of the same notification in the other export."""
    by_reference = {e.reference: e.hazard for e in notifications if e.hazard}
    out = []
    for e in decisions:
        if e.reference in by_reference:
            out.append(Example(record=e.record, date=e.date, reference=e.reference, hazard=by_reference[e.reference]))
    return out


def evaluate(data_dir: Path) -> dict:
    """The time-split evaluation of our models beside the baseline, fitted and scored in this run."""
    notifications, decisions = load(data_dir)
    results: dict = {}

    # Hazard category.
    train = _frequent([e for e in notifications if e.date < SPLIT], "hazard")
    test = [e for e in notifications if e.date >= SPLIT and e.hazard]
    test_decisions = [e for e in _hazard_pairs(notifications, decisions) if e.date >= SPLIT]
    ours = fit(train, F.hazard_features, lambda e: e.hazard, C["hazard"])
    base = fit_baseline(train, lambda e: e.hazard)
    results["hazard_category"] = {
        "train": len(train),
        "test": len(test),
        "test_risk_decision_format": len(test_decisions),
        "ours_macro_f1": macro_f1([e.hazard for e in test], _predict(ours, F.hazard_features, test)),
        "baseline_macro_f1": macro_f1([e.hazard for e in test], list(base.predict([raw_text(e.record) for e in test]))),
        "ours_macro_f1_risk_decision_format": macro_f1(
            [e.hazard for e in test_decisions], _predict(ours, F.hazard_features, test_decisions)
        ),
        "baseline_macro_f1_risk_decision_format": macro_f1(
            [e.hazard for e in test_decisions], list(base.predict([raw_text(e.record) for e in test_decisions]))
        ),
    }

    # Product category.
    train = _frequent([e for e in notifications + decisions if e.date < SPLIT], "product")
    test = [e for e in decisions if e.date >= SPLIT]
    ours = fit(train, F.product_features, lambda e: e.product, C["product"])
    base = fit_baseline(train, lambda e: e.product)
    results["product_category"] = {
        "train": len(train),
        "test": len(test),
        "ours_macro_f1": macro_f1([e.product for e in test], _predict(ours, F.product_features, test)),
        "baseline_macro_f1": macro_f1(
            [e.product for e in test], list(base.predict([raw_text(e.record) for e in test]))
        ),
    }

    # Serious: each test month scored by a model of the months before it.
    y, ours_p, ours_flags, base_p, folds = [], [], [], [], []
    for month in SERIOUS_TEST_MONTHS:
        train = [e for e in decisions if e.date.month < month]
        test = [e for e in decisions if e.date.month == month]
        model, calibration, threshold = fit_serious(train)
        p = np.array([calibrate(q, calibration) for q in _p_serious(model, test)])
        base = fit_baseline(train, serious_label)
        y.append(np.array([bool(e.serious) for e in test]))
        ours_p.append(p)
        ours_flags.append(p >= threshold)
        base_p.append(base.predict_proba([raw_text(e.record) for e in test])[:, list(base.classes_).index("serious")])
        folds.append(
            {
                "month": f"2024-{month:02d}",
                "train": len(train),
                "test": len(test),
                "threshold": threshold,
                "calibration": list(calibration),
            }
        )
    y_, p_, b_ = np.concatenate(y), np.concatenate(ours_p), np.concatenate(base_p)
    results["serious"] = {
        "train": folds[0]["train"],
        "test": len(y_),
        "test_serious_share": float(y_.mean()),
        "threshold": float(np.median([f["threshold"] for f in folds])),
        "folds": folds,
        "ours": {**binary_scores(y_, np.concatenate(ours_flags)), "brier": brier(y_, p_)},
        "baseline": {**binary_scores(y_, b_ >= 0.5), "brier": brier(y_, b_)},
    }
    return results


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def fit_serious(examples: list[Example]) -> tuple[LinearModel, tuple[float, float], float]:
    """The serious model fitted on the examples, with the calibration and threshold that a model fitted on all but
    their last CHECK_MONTHS months chose on those months."""
    from sklearn.linear_model import LogisticRegression

    last = max(e.date.month for e in examples)
    fit_on = [e for e in examples if e.date.month <= last - CHECK_MONTHS]
    check = [e for e in examples if e.date.month > last - CHECK_MONTHS]
    raw = np.clip(_p_serious(fit(fit_on, F.serious_features, serious_label, C["serious"]), check), 1e-9, 1 - 1e-9)
    truth = np.array([bool(e.serious) for e in check])
    platt = LogisticRegression(C=1e6).fit(np.log(raw / (1 - raw))[:, None], truth)
    calibration = (float(platt.coef_[0][0]), float(platt.intercept_[0]))
    threshold = best_threshold(truth, np.array([calibrate(q, calibration) for q in raw]))
    return fit(examples, F.serious_features, serious_label, C["serious"]), calibration, threshold


def train_all(data_dir: Path) -> dict[str, LinearModel | float]:
    """The shipped models: the same recipe fitted on every labelled row."""
    notifications, decisions = load(data_dir)
    serious, calibration, threshold = fit_serious(decisions)
    return {
        "hazard": fit(_frequent(notifications, "hazard"), F.hazard_features, lambda e: e.hazard, C["hazard"]),
        "product": fit(
            _frequent(notifications + decisions, "product"), F.product_features, lambda e: e.product, C["product"]
        ),
        "serious": serious,
        "calibration": calibration,
        "threshold": threshold,
    }


def save(models: dict, directory: Path, *, evaluation: dict | None = None, name: str = "rasff-2024") -> Path:
    """Write the models as one NumPy archive (no pickles) and one JSON file beside it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {
        "name": name,
        "threshold": models["threshold"],
        "calibration": list(models["calibration"]),
        "evaluation": evaluation or {},
        "models": {},
    }
    for key in ("hazard", "product", "serious"):
        arrays.update(models[key].arrays(key))
        meta["models"][key] = models[key].meta()
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    (directory / f"{name}.npz").write_bytes(buffer.getvalue())
    meta["arrays_sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    (directory / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return directory / f"{name}.json"
