"""A TF-IDF-weighted linear classifier over string features, evaluated with NumPy alone.

Training (riskgate.intake.triage.training) fits scikit-learn's TfidfVectorizer(sublinear_tf=True) and
LogisticRegression, then exports what prediction needs: the vocabulary, the idf weights, the coefficients and
intercepts. Prediction here reproduces scikit-learn's arithmetic (1 + log tf, times idf, L2-normalised; then a
sigmoid or a softmax), so the project runs the models without scikit-learn and without pickles.
"""

import math
from collections import Counter
from dataclasses import dataclass

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
        """Class probabilities of many documents at once (None for a document with no known feature)."""
        docs, index, counts = [], [], []
        known = self.vocabulary.get
        for d, features in enumerate(feature_lists):
            found = Counter([i for i in map(known, features) if i is not None])
            docs.extend([d] * len(found))
            index.extend(found)
            counts.extend(found.values())
        out: list[np.ndarray | None] = [None] * len(feature_lists)
        if not index:
            return out
        docs_a, index_a = np.array(docs), np.array(index)
        weights = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self.idf[index_a]
        starts = np.flatnonzero(np.concatenate([[True], docs_a[1:] != docs_a[:-1]]))
        norms = np.sqrt(np.add.reduceat(weights**2, starts))
        weights /= np.repeat(norms, np.diff(np.concatenate([starts, [len(docs_a)]])))
        scores = np.add.reduceat(self.coef[:, index_a] * weights, starts, axis=1).T + self.intercept
        for row, d in zip(scores, docs_a[starts], strict=True):
            if len(self.classes) == 2:
                p = 1.0 / (1.0 + math.exp(-float(row[0])))
                out[d] = np.array([1.0 - p, p])
            else:
                e = np.exp(row - row.max())
                out[d] = e / e.sum()
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
