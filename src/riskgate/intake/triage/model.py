"""The shipped triage models (riskgate/intake/triage/trained/), loaded once per process, and the suggestions they make.

Suggestions never decide: they are stored with the model version and scores, shown to officers, and the
officer sets the hazard types, category and urgency.
"""

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import features as F
from .lexicon import agents_named
from .linear import LinearModel

MODEL_DIR = Path(__file__).resolve().parent / "trained"
DEFAULT_NAME = "rasff-2024"
# Below this share of known words there is no suggestion unless the text names a hazard agent the models know
# (lexicon.AGENTS): on the RASFF risk-decision export 95 % of rows are above it, on US CPSC consumer-product
# recalls 90 % are below.
MIN_COVERAGE = 0.4


def calibrate(p: float, calibration: tuple[float, float]) -> float:
    """Platt scaling of the serious model's probability: sigmoid(a · logit(p) + b), (a, b) fitted on later months
    than the model (training.fit_serious)."""
    a, b = calibration
    p = min(max(p, 1e-9), 1 - 1e-9)
    return 1.0 / (1.0 + math.exp(-(a * math.log(p / (1 - p)) + b)))


class ModelFileError(RuntimeError):
    """The model files are missing or do not match each other."""


@dataclass
class Suggestion:
    hazard_category: str
    hazard_score: float
    product_category: str
    product_score: float
    p_serious: float | None
    serious: bool
    model: str
    threshold: float
    coverage: float

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "coverage": round(self.coverage, 2),
            "hazard_category": self.hazard_category,
            "hazard_score": round(self.hazard_score, 4),
            "product_category": self.product_category,
            "product_score": round(self.product_score, 4),
            "p_serious": None if self.p_serious is None else round(self.p_serious, 4),
            "serious": self.serious,
            "threshold": self.threshold,
        }


@dataclass
class TriageModel:
    name: str
    version: str
    threshold: float
    hazard: LinearModel
    product: LinearModel
    serious: LinearModel
    evaluation: dict
    calibration: tuple[float, float] = (1.0, 0.0)

    def suggest(self, record: F.Record) -> Suggestion | None:
        """None when the text shares nothing with what the models learned (no basis for a suggestion)."""
        return self.suggest_many([record])[0]

    def suggest_many(self, records: list[F.Record]) -> list[Suggestion | None]:
        hazards = self.hazard.probabilities_many([F.hazard_features(r) for r in records])
        products = self.product.probabilities_many([F.product_features(r) for r in records])
        serious = self.serious.probabilities_many([F.serious_features(r) for r in records])
        positive = self.serious.classes.index("serious")
        out: list[Suggestion | None] = []
        for record, hazard, product, p in zip(records, hazards, products, serious, strict=True):
            coverage = self.coverage(record)
            if hazard is None or (coverage < MIN_COVERAGE and not self.names_known_agent(record)):
                # Text the models hardly know (a power bank: they learned food and feed notifications) has no
                # basis for a suggestion; the class priors would answer instead. A text naming a hazard agent
                # they learned has one ("Salmonella in smooth clams", "冷冻鸡肉检出沙门氏菌").
                out.append(None)
                continue
            h = int(np.argmax(hazard))
            c = int(np.argmax(product)) if product is not None else None
            p_serious = None if p is None else calibrate(float(p[positive]), self.calibration)
            out.append(
                Suggestion(
                    hazard_category=self.hazard.classes[h],
                    hazard_score=float(hazard[h]),
                    product_category=self.product.classes[c] if c is not None else "",
                    product_score=float(product[c]) if c is not None else 0.0,
                    p_serious=p_serious,
                    serious=p_serious is not None and p_serious >= self.threshold,
                    model=self.version,
                    threshold=self.threshold,
                    coverage=coverage,
                )
            )
        return out

    def names_known_agent(self, record: F.Record) -> bool:
        """Whether the record names a hazard agent (lexicon.AGENTS) whose words the hazard model learned."""
        vocabulary = self.hazard.vocabulary
        named = agents_named(f"{record.text} {record.hazards}")
        return any(all(f"w:{w}" in vocabulary for w in F.words(agent)) for agent in named)

    def coverage(self, record: F.Record) -> float:
        """The share of the record's words that the hazard model has learned."""
        text, hazards = record.words()
        found = text + hazards
        if not found:
            return 0.0
        vocabulary = self.hazard.vocabulary
        return sum(f"w:{w}" in vocabulary for w in found) / len(found)


def read(directory: Path = MODEL_DIR, name: str = DEFAULT_NAME) -> TriageModel:
    directory = Path(directory)
    try:
        raw = (directory / f"{name}.npz").read_bytes()
        meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelFileError(f"triage model {name} not found in {directory}: {exc.filename}") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if digest != meta.get("arrays_sha256"):
        raise ModelFileError(f"triage model {name}: {name}.npz does not match {name}.json")
    import io

    arrays = np.load(io.BytesIO(raw), allow_pickle=False)
    models = {key: LinearModel.load(key, arrays, meta["models"][key]) for key in ("hazard", "product", "serious")}
    return TriageModel(
        name=name,
        version=f"{name}@{digest[:12]}",
        threshold=float(meta["threshold"]),
        evaluation=meta.get("evaluation", {}),
        calibration=tuple(meta.get("calibration", (1.0, 0.0))),
        **models,
    )


@lru_cache(maxsize=1)
def shipped() -> TriageModel:
    return read()
