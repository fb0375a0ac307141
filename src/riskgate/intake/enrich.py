"""What is derived from an item's content whenever it is stored: search tokens, similarity signature, triage.

Every path that creates or changes an item's content calls `prepare` (one item) or `prepare_many` (a batch;
the MinHash signatures are computed together, vectorised).
"""

from functools import lru_cache
from itertools import chain

from django.utils import translation

from riskgate.core.search import tokens
from riskgate.triage.features import from_information, significant
from riskgate.triage.model import shipped

from . import similarity
from .models import HazardType, RiskInformation, SourceType

DERIVED_FIELDS = ["search_tokens", "similarity_signature", "triage"]


SEARCH_FIELDS = (
    "title",
    "description",
    "product_name",
    "brand",
    "model",
    "batch",
    "product_category",
    "hazard_detail",
    "external_id",
)


@lru_cache(maxsize=1024)
def _label_tokens(source_type: str, hazard_types: tuple[str, ...]) -> tuple[str, ...]:
    """The labels of source and hazards in Chinese and English (so 召回 finds recalls whatever language is
    active when the item is indexed)."""
    labels = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels.append(str(SourceType(source_type).label))
            labels.extend(str(HazardType(h).label) for h in hazard_types)
    return tuple(tokens(" ".join(labels)))


def search_text_of(info: RiskInformation) -> str:
    """What the search index holds: the text and the labels."""
    return _derive(info)[0]


def _derive(info) -> tuple[str, list[str]]:
    """Each text field is segmented once; the search tokens and the words of the similarity text come from it."""
    found = {name: tokens(getattr(info, name) or "") for name in SEARCH_FIELDS}
    labels = _label_tokens(info.source_type, tuple(info.hazard_types or ()))
    search = " ".join(dict.fromkeys(chain(*found.values(), labels)))
    return search, found


def prepare_many(items: list) -> None:
    if not items:
        return
    shingle_sets, records = [], []
    for info in items:
        info.search_tokens, found = _derive(info)
        shingle_sets.append(
            similarity.shingles_of(significant(list(chain(*(found[f] for f in similarity.TEXT_FIELDS)))))
        )
        records.append(
            from_information(
                info,
                text_words=significant(found["title"] + found["product_name"] + found["description"]),
                hazard_words=significant(found["hazard_detail"]),
            )
        )
    suggestions = shipped().suggest_many(records)
    for info, signature, suggestion in zip(items, similarity.signatures(shingle_sets), suggestions, strict=True):
        info.similarity_signature = signature.tobytes()
        info.triage = suggestion.as_dict() if suggestion else {}


def prepare(info) -> None:
    prepare_many([info])
