"""Duplicate and related-report detection: which items describe the same risk, proposed for an officer to link.

Every item carries a MinHash signature of its text (64 × 32-bit, stored beside it). Candidate pairs are items
that share a blocking key:
  - an LSH band of the signature (16 bands of 4 hashes: texts with Jaccard similarity 0.5 collide in at
    least one band with probability 0.64, at 0.8 with probability 1.0);
  - the same notification day (±1), notifying country and first origin country — how one alert reaches us
    from two systems with different wording;
  - the same product identity: GTIN, brand + model, brand + product line (the model's first word), or brand +
    batch.
Keys shared by more than MAX_GROUP items say nothing (a common brand, a busy day) and are skipped.
Each candidate pair is scored from the estimated text similarity and the agreement of the structured facts;
pairs at or above THRESHOLD become proposals (at most MAX_PROPOSALS per item, the best first). How the weights
and threshold were chosen and how well they do on real data: docs/decisions/0006-duplicates-triage-sharing.md and
bench/dedup.
"""

import datetime as dt
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from riskgate.intake.triage.features import words

PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
MAX_GROUP = 40
MAX_PROPOSALS = 5
THRESHOLD = 0.7
MARGIN = 0.05
# Rounded from a logistic regression on the labelled January–June candidate pairs (bench/dedup), rescaled.
WEIGHTS = {"text": 0.2, "notifier": 0.25, "origin": 0.05, "date": 0.35, "category": 0.15}
IDENTITY_BONUS = 0.5
CONFLICT_PENALTY = 0.3
MIN_TEXT = 0.15
# The same product with a text this different describes another defect of it: a related report, not the same
# risk (issue 26: one vehicle's transmission and fuel-injection recalls scored 0.99 as duplicates). Chosen on the
# Safety Gate and NHTSA pairs (bench/dedup): the same recall's texts are contained ≥ 0.96, another defect's ≤ 0.76
# in nine cases of ten.
SAME_RISK_TEXT = 0.85
RELATED_CEILING = 0.6  # the same-risk score of a related pair: it is never offered as a duplicate
MAX_RELATED = 3  # related proposals per new item
_EMPTY = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)
_rng = np.random.default_rng(20261123)
_A = (_rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)).astype(np.uint64)
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_EPOCH = dt.date(2000, 1, 1)


TEXT_FIELDS = ("title", "product_name", "brand", "model", "hazard_detail", "description")


def shingles_of(found: list[str]) -> set[str]:
    """Words and neighbouring word pairs."""
    return set(found) | {f"{a} {b}" for a, b in zip(found, found[1:], strict=False)}


def shingles(*texts: str) -> set[str]:
    """Of texts: words (Chinese through jieba) without stop words and bare numbers, and word pairs."""
    return shingles_of(words(" ".join(t for t in texts if t)))


def text_of(info) -> list[str]:
    return [getattr(info, name) or "" for name in TEXT_FIELDS]


def signatures(shingle_sets: list[set[str]]) -> np.ndarray:
    """MinHash signatures, one row per set (multiply-shift hashing of CRC-32 token hashes, vectorised), with the
    set's size in a last column (for the containment estimate)."""
    out = np.empty((len(shingle_sets), PERMUTATIONS + 1), dtype=np.uint32)
    chunk = 4000
    for start in range(0, len(shingle_sets), chunk):
        sets = shingle_sets[start : start + chunk]
        lengths = np.array([len(s) for s in sets])
        hashes = np.fromiter(
            (zlib.crc32(t.encode()) for s in sets for t in s), dtype=np.uint64, count=int(lengths.sum())
        )
        out[start : start + len(sets), PERMUTATIONS] = lengths
        block = out[start : start + len(sets), :PERMUTATIONS]
        block[:] = _EMPTY
        if hashes.size:
            with np.errstate(over="ignore"):
                permuted = ((hashes[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)).astype(np.uint32)
            nonempty = lengths > 0
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])[nonempty]
            block[nonempty] = np.minimum.reduceat(permuted, offsets, axis=0)
    return out


class _Codes(dict):
    """Small integer codes of strings: 0 for the empty string, equal strings equal codes."""

    def __missing__(self, key: str) -> int:
        self[key] = len(self) + 1
        return self[key]

    def of(self, values) -> np.ndarray:
        return np.fromiter((self[v] if v else 0 for v in values), dtype=np.int64)


def _origin_mask(codes) -> tuple[int, int]:
    """A 128-bit mask of the origin countries (two halves); overlap of masks = a shared origin."""
    mask = 0
    for code in codes or ():
        mask |= 1 << (zlib.crc32(code.encode()) % 128)
    return mask & 0xFFFFFFFFFFFFFFFF, mask >> 64


@dataclass
class Pool:
    """The items compared, as arrays (row i describes ids[i]); strings are compared by their codes."""

    ids: np.ndarray
    signatures: np.ndarray  # (n, PERMUTATIONS) uint32
    sizes: np.ndarray  # shingles per item
    days: np.ndarray  # notified_on as days since 2000-01-01, -1 unknown
    notifier: np.ndarray
    first_origin: np.ndarray
    origin_lo: np.ndarray
    origin_hi: np.ndarray
    category: np.ndarray
    gtin: np.ndarray
    brand: np.ndarray
    model: np.ndarray
    family: np.ndarray  # the model's first word ("GV60" of "GV60 JW, e4*2018/858*00060*"): the product line
    batch: np.ndarray
    case: np.ndarray  # case id, 0 none

    @classmethod
    def of(cls, rows: Iterable[tuple]) -> "Pool":
        """rows: (id, signature bytes, notified_on, notifying_country, origin_countries, product_category, gtin,
        brand, model, batch, case_id)"""
        rows = [_plain(r) for r in rows if r[1]]
        n = len(rows)
        sig = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.uint32).reshape(n, PERMUTATIONS + 1)
        codes = _Codes()
        masks = np.array([_origin_mask(r[4]) for r in rows], dtype=np.uint64).reshape(n, 2)
        return cls(
            ids=np.array([r[0] for r in rows], dtype=np.int64),
            signatures=sig[:, :PERMUTATIONS],
            sizes=sig[:, PERMUTATIONS].astype(np.float64),
            days=np.array([(r[2] - _EPOCH).days if r[2] else -1 for r in rows], dtype=np.int64),
            notifier=codes.of(r[3] for r in rows),
            first_origin=codes.of(min(r[4]) if r[4] else "" for r in rows),
            origin_lo=masks[:, 0],
            origin_hi=masks[:, 1],
            category=codes.of((r[5] or "").strip().casefold() for r in rows),
            gtin=codes.of(_norm(r[6]) for r in rows),
            brand=codes.of(_norm(r[7]) for r in rows),
            model=codes.of(_norm(r[8]) for r in rows),
            family=codes.of(_family(r[8]) for r in rows),
            batch=codes.of(_norm(r[9]) for r in rows),
            case=np.array([r[10] or 0 for r in rows], dtype=np.int64),
        )


def _plain(row: tuple) -> tuple:
    """A row as the ORM gives it, from the database's own types (SQLite returns dates and JSON as text)."""
    day, origins = row[2], row[4]
    if isinstance(day, str):
        day = _day(day)
    if isinstance(origins, str):
        origins = _json_list(origins)
    return (row[0], row[1], day, row[3], origins, *row[5:])


@lru_cache(maxsize=10_000)
def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@lru_cache(maxsize=10_000)
def _json_list(text: str) -> tuple:
    return tuple(json.loads(text))


_NOT_ALNUM = re.compile(r"[\W_]+")


def _norm(value: str | None) -> str:
    """Case-folded letters and digits only ("AB-12 c" and "ab12C" are one model)."""
    return _NOT_ALNUM.sub("", value.casefold()) if value else ""


def _family(model: str | None) -> str:
    """The first word of a model, normalised: the product line ("CLA-Class 2025" → "claclass")."""
    first = (model or "").split(maxsplit=1)
    return _norm(first[0]) if first else ""


def _mix(tag: int, *parts: np.ndarray) -> np.ndarray:
    """A 64-bit key of a tag and integer codes (top bit set: never equal to a band key)."""
    key = np.full(len(parts[0]), tag, dtype=np.uint64)
    for part in parts:
        key = key * np.uint64(0x9E3779B97F4A7C15) + part.astype(np.uint64)
    return key | np.uint64(1 << 63)


def _keys(pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    """Blocking keys (64-bit) and the row each belongs to."""
    n = len(pool.ids)
    rows_of = np.arange(n)
    bands = pool.signatures.reshape(n, BANDS, ROWS).astype(np.uint64)
    band_keys = np.zeros((n, BANDS), dtype=np.uint64)
    for r in range(ROWS):
        band_keys = band_keys * np.uint64(1_000_003) + bands[:, :, r]
    band_keys = (band_keys * np.uint64(64) + np.arange(BANDS, dtype=np.uint64)[None, :]) & np.uint64((1 << 63) - 1)
    empty = pool.sizes == 0
    keys, rows = [band_keys[~empty].ravel()], [np.repeat(rows_of[~empty], BANDS)]

    def add(mask: np.ndarray, key: np.ndarray) -> None:
        keys.append(key[mask])
        rows.append(rows_of[mask])

    dated = (pool.days >= 0) & (pool.notifier > 0)
    add(dated, _mix(1, pool.days // 2, pool.notifier, pool.first_origin))
    add(dated, _mix(2, (pool.days + 1) // 2, pool.notifier, pool.first_origin))
    add(pool.gtin > 0, _mix(3, pool.gtin))
    add((pool.brand > 0) & (pool.model > 0), _mix(4, pool.brand, pool.model))
    add((pool.brand > 0) & (pool.family > 0), _mix(6, pool.brand, pool.family))  # one product line: related reports
    add((pool.brand > 0) & (pool.batch > 0), _mix(5, pool.brand, pool.batch))
    return np.concatenate(keys), np.concatenate(rows)


def candidate_pairs(pool: Pool, new: np.ndarray) -> np.ndarray:
    """Row pairs (i < j) sharing a key, at least one of them new (new: boolean mask over rows)."""
    keys, rows = _keys(pool)
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(keys)]]))
    pairs = [np.empty((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[(sizes > 1) & (sizes <= MAX_GROUP)]):
        # All groups of this size at once: a (groups × size) matrix of rows, then every pair of columns.
        members = rows[starts[sizes == size][:, None] + np.arange(size)[None, :]]
        members = members[new[members].any(axis=1)]
        i, j = np.triu_indices(size, k=1)
        pairs.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], axis=1))
    pairs = np.concatenate(pairs)
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[(pairs[:, 0] != pairs[:, 1]) & (new[pairs[:, 0]] | new[pairs[:, 1]])]
    # Unique pairs, in (i, j) order, through one int64 key per pair (np.unique by rows sorts far slower).
    n = np.int64(max(len(pool.ids), 1))
    key = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([key // n, key % n], axis=1)


def score(pool: Pool, pairs: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Score of each pair in [0, 1] — that the two report the same risk — and the facts behind it (arrays over
    the pairs); `details["related"]` marks the pairs about the same product with another defect.

    Text: the containment of the smaller text in the larger, estimated from the MinHash Jaccard and the sizes
    (a short product line inside a long subject is still the same text). The structured facts weigh as WEIGHTS
    says, over the facts both items state (two public reports with no dates or countries are compared on
    their text alone); a shared product identity (GTIN, or brand with product line or batch) adds IDENTITY_BONUS
    when the texts agree (SAME_RISK_TEXT); when they do not, the pair is related and its score stays at most
    RELATED_CEILING. Another product (two barcodes, two brands, one brand's two lines) costs CONFLICT_PENALTY.
    """
    a, b = pairs[:, 0], pairs[:, 1]
    jaccard = (pool.signatures[a] == pool.signatures[b]).mean(axis=1)
    smaller = np.minimum(pool.sizes[a], pool.sizes[b]).clip(1)
    containment = np.minimum(jaccard * (pool.sizes[a] + pool.sizes[b]) / (1 + jaccard) / smaller, 1.0)
    dated = (pool.days[a] >= 0) & (pool.days[b] >= 0)
    gap = np.abs(pool.days[a] - pool.days[b])
    facts = {
        "notifier": ((pool.notifier[a] > 0) & (pool.notifier[b] > 0), pool.notifier[a] == pool.notifier[b]),
        "origin": (
            ((pool.origin_lo[a] | pool.origin_hi[a]) > 0) & ((pool.origin_lo[b] | pool.origin_hi[b]) > 0),
            ((pool.origin_lo[a] & pool.origin_lo[b]) | (pool.origin_hi[a] & pool.origin_hi[b])) > 0,
        ),
        "date": (dated, np.where(gap <= 3, 1.0, np.where(gap <= 30, 0.3, 0.0))),
        "category": ((pool.category[a] > 0) & (pool.category[b] > 0), pool.category[a] == pool.category[b]),
    }
    total = WEIGHTS["text"] * containment
    weight = np.full(len(pairs), WEIGHTS["text"])
    for name, (known, value) in facts.items():
        total = total + WEIGHTS[name] * known * value
        weight = weight + WEIGHTS[name] * known

    def both(column: np.ndarray) -> np.ndarray:
        return (column[a] > 0) & (column[b] > 0)

    same_brand = both(pool.brand) & (pool.brand[a] == pool.brand[b])
    # One product: the same barcode, or one brand with the same model or product line (the model's first word)
    # or batch.
    same_model = both(pool.model) & (pool.model[a] == pool.model[b])
    same_line = same_model | (both(pool.family) & (pool.family[a] == pool.family[b]))
    same_product = (both(pool.gtin) & (pool.gtin[a] == pool.gtin[b])) | (
        same_brand & (same_line | (both(pool.batch) & (pool.batch[a] == pool.batch[b])))
    )
    # Two barcodes, two brands, or one brand's two product lines: another product, whatever else agrees (issue 26:
    # "Jeep Wrangler — Injuries" and "Opel Mokka — Injuries" were proposed on their generic titles).
    other_product = (
        (both(pool.gtin) & (pool.gtin[a] != pool.gtin[b]))
        | (both(pool.brand) & (pool.brand[a] != pool.brand[b]))
        | (same_brand & both(pool.family) & ~same_line)
    ) & ~same_product
    # The same product with another text: another defect of it (related), not the same risk.
    related = same_product & (containment < SAME_RISK_TEXT)
    scores = total / weight + IDENTITY_BONUS * (same_product & ~related) - CONFLICT_PENALTY * other_product
    # Texts that barely overlap describe different things, however the facts agree, unless the product does.
    scores = np.where((containment < MIN_TEXT) & ~same_product, 0.0, np.clip(scores, 0.0, 1.0))
    scores = np.where(related, np.minimum(scores, RELATED_CEILING), scores)
    details = {
        "text": containment,
        "same_notifier": np.where(facts["notifier"][0], facts["notifier"][1], -1),
        "same_origin": np.where(facts["origin"][0], facts["origin"][1], -1),
        "days_apart": np.where(dated, gap, -1),
        "same_category": np.where(facts["category"][0], facts["category"][1], -1),
        "same_product": same_product,
        "other_product": other_product,
        "related": related,
    }
    return scores, details


def _reasons(details: dict[str, np.ndarray], chosen: np.ndarray) -> list[dict]:
    """What each chosen pair's score rests on (None: a fact one of the two items does not state)."""
    column = {name: values[chosen].tolist() for name, values in details.items()}

    def fact(value: int):
        return None if value < 0 else bool(value)

    return [
        {
            "text": round(text, 3),
            "same_notifier": fact(notifier),
            "same_origin": fact(origin),
            "days_apart": None if days < 0 else days,
            "same_category": fact(category),
            "same_product": bool(same),
            "other_product": bool(other),
        }
        for text, notifier, origin, days, category, same, other in zip(
            column["text"],
            column["same_notifier"],
            column["same_origin"],
            column["days_apart"],
            column["same_category"],
            column["same_product"],
            column["other_product"],
            strict=True,
        )
    ]


def _select(pool: Pool, pairs: np.ndarray, strength: np.ndarray, new: np.ndarray, cap: int) -> list[int]:
    """For each new item its clear best pairs (within MARGIN of its best strength), at most `cap` per item, the
    strongest first: indices into pairs."""
    best = np.zeros(len(pool.ids))
    np.maximum.at(best, pairs[:, 0], np.where(new[pairs[:, 0]], strength, 0))
    np.maximum.at(best, pairs[:, 1], np.where(new[pairs[:, 1]], strength, 0))
    near_best = (new[pairs[:, 0]] & (strength >= best[pairs[:, 0]] - MARGIN)) | (
        new[pairs[:, 1]] & (strength >= best[pairs[:, 1]] - MARGIN)
    )
    keep = np.flatnonzero(near_best)
    keep = keep[np.argsort(-strength[keep], kind="stable")]
    taken = [0] * len(pool.ids)
    chosen = []
    for k, i, j in zip(keep.tolist(), pairs[keep, 0].tolist(), pairs[keep, 1].tolist(), strict=True):
        if taken[i] >= cap or taken[j] >= cap:
            continue
        taken[i] += 1
        taken[j] += 1
        chosen.append(k)
    return chosen


DUPLICATE, RELATED = "duplicate", "related"


def proposals(pool: Pool, new: np.ndarray, threshold: float = THRESHOLD) -> list[tuple[int, int, float, dict, str]]:
    """(id a, id b, score, reasons, kind) with a < b, duplicates first, best first. Duplicates (the same risk):
    for each new item its clear best matches at or above the threshold, at most MAX_PROPOSALS. Related reports
    (the same product, another defect): its closest ones, at most MAX_RELATED. Pairs already in one case are left
    out."""
    pairs = candidate_pairs(pool, new)
    if not len(pairs):
        return []
    pairs = pairs[(pool.case[pairs[:, 0]] == 0) | (pool.case[pairs[:, 0]] != pool.case[pairs[:, 1]])]
    scores, details = score(pool, pairs)
    related = details["related"]
    duplicates = np.flatnonzero(~related & (scores >= threshold))
    close = np.flatnonzero(related)
    chosen = [duplicates[k] for k in _select(pool, pairs[duplicates], scores[duplicates], new, MAX_PROPOSALS)]
    kinds = [DUPLICATE] * len(chosen)
    extra = [close[k] for k in _select(pool, pairs[close], details["text"][close], new, MAX_RELATED)]
    chosen += extra
    kinds += [RELATED] * len(extra)
    chosen = np.array(chosen, dtype=np.int64)
    first, second = pool.ids[pairs[chosen, 0]], pool.ids[pairs[chosen, 1]]
    return list(
        zip(
            np.minimum(first, second).tolist(),
            np.maximum(first, second).tolist(),
            [round(x, 4) for x in scores[chosen].tolist()],
            _reasons(details, chosen),
            kinds,
            strict=True,
        )
    )
