"""A TF-IDF-weighted linear classifier over string features, evaluated with NumPy alone.

Training (riskgate.intake.triage.training) fits scikit-learn's TfidfVectorizer(sublinear_tf=True) and
LogisticRegression, then exports what prediction needs: the vocabulary, the idf weights, the coefficients and
intercepts. Prediction here reproduces scikit-learn's arithmetic (1 + log tf, times idf, L2-normalised; then a
sigmoid or a softmax), so the project runs the models without scikit-learn and without pickles.
"""

from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np


@dataclass
class LinearModel:
    classes: list[str]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    coef: np.ndarray  # (1, n_features) for two classes, else (n_classes, n_features)
    intercept: np.ndarray

    def probabilities(self, features: list[str]) -> np.ndarray | None:
        """Probability of each class, or None when no feature is known (no basis for a suggestion)."""
        return self.probabilities_many([features])[0]

    def probabilities_many(self, feature_lists: list[list[str]]) -> list[np.ndarray | None]:
        """Class probabilities of many documents at once (None for a document with no known feature): every
        feature of every document looked up in one pass, the counts, weights and scores as NumPy arrays."""
        n = len(feature_lists)
        out: list[np.ndarray | None] = [None] * n
        lengths = np.fromiter(map(len, feature_lists), np.int64, n)
        flat = list(chain.from_iterable(feature_lists))
        index = np.fromiter(map(self.vocabulary.get, flat, repeat(-1)), np.int64, len(flat))
        known = index >= 0
        if not known.any():
            return out
        size = len(self.idf)
        # (document, feature) as one number: unique gives each pair once, ordered by document, with its count.
        pairs, counts = np.unique(np.repeat(np.arange(n), lengths)[known] * size + index[known], return_counts=True)
        docs, index = np.divmod(pairs, size)
        weights = (1.0 + np.log(counts.astype(np.float64))) * self.idf[index]
        starts = np.flatnonzero(np.concatenate([[True], docs[1:] != docs[:-1]]))
        norms = np.sqrt(np.add.reduceat(weights**2, starts))
        weights /= np.repeat(norms, np.diff(np.append(starts, len(docs))))
        scores = np.add.reduceat(self.coef[:, index] * weights, starts, axis=1).T + self.intercept
        if len(self.classes) == 2:
            p = 1.0 / (1.0 + np.exp(-scores[:, 0].astype(np.float64)))
            rows = np.column_stack([1.0 - p, p])
        else:
            e = np.exp(scores - scores.max(axis=1, keepdims=True))
            rows = e / e.sum(axis=1, keepdims=True)
        for d, row in zip(docs[starts].tolist(), rows, strict=True):
            out[d] = row
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.idf": self.idf, f"{prefix}.coef": self.coef, f"{prefix}.intercept": self.intercept}

    def meta(self) -> dict:
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.get)
        return {"classes": self.classes, "vocabulary": vocabulary}

    @classmethod
    def load(cls, prefix: str, arrays, meta: dict) -> "LinearModel":
        return cls(
            classes=list(meta["classes"]),
            vocabulary={f: i for i, f in enumerate(meta["vocabulary"])},
            idf=np.asarray(arrays[f"{prefix}.idf"], dtype=np.float64),
            coef=np.asarray(arrays[f"{prefix}.coef"], dtype=np.float64),
            intercept=np.asarray(arrays[f"{prefix}.intercept"], dtype=np.float64),
        )

    @classmethod
    def from_sklearn(cls, vectorizer, classifier) -> "LinearModel":
        return cls(
            classes=[str(c) for c in classifier.classes_],
            vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
            idf=vectorizer.idf_.astype(np.float32),
            coef=classifier.coef_.astype(np.float32),
            intercept=classifier.intercept_.astype(np.float32),
        )
