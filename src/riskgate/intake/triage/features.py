"""What the triage models see of a notification: a bag of string features, the same at training and at intake.

A notification is reduced to a `Record` (the fields a foreign alert or a report of ours has in common); its
features are the words and word pairs of its text (Chinese through jieba, as for search), its hazard words,
and tokens for the structured facts: product category, product type, notifying and origin countries (ISO
codes), and how many countries the notification was distributed to, flagged for attention or follow-up to.
"""

import re
from dataclasses import dataclass, field

from riskgate.core.countries import country_codes
from riskgate.core.search import tokens

from .lexicon import english

# Words that say nothing about the risk; kept short on purpose (the models weigh the rest themselves).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "via",
        "del",
        "de",
        "la",
        "le",
        "les",
        "des",
        "en",
        "el",
        "di",
        "da",
        "della",
        "dei",
        "per",
        "und",
        "von",
        "mit",
        "der",
        "die",
        "das",
    ]
)


@dataclass
class Record:
    text: str  # subject / title / product name and description
    hazards: str = ""  # hazard substances or hazard description
    category: str = ""  # product category as the source names it
    kind: str = ""  # food, feed, food contact material…
    notifying_country: str = ""  # ISO alpha-2
    origin_countries: list[str] = field(default_factory=list)  # ISO alpha-2
    distributed_to: int = 0
    for_attention: int = 0
    for_follow_up: int = 0
    operators: int = 0
    # The words of text and hazards, when the caller has them already (intake tokenizes each item once).
    text_words: list[str] | None = None
    hazard_words: list[str] | None = None
    _word_features: list[str] | None = field(default=None, repr=False, compare=False)
    _words: tuple[list[str], list[str]] | None = field(default=None, repr=False, compare=False)

    def words(self) -> tuple[list[str], list[str]]:
        """The words of text and hazards, each followed by the English of the Chinese terms it uses (lexicon)."""
        if self._words is None:
            text = self.text_words if self.text_words is not None else words(self.text)
            hazards = self.hazard_words if self.hazard_words is not None else words(self.hazards)
            self._words = text + words(english(self.text)), hazards + words(english(self.hazards))
        return self._words

    def word_features(self) -> list[str]:
        """text_features of text and hazards, computed once for the three models."""
        if self._word_features is None:
            text, hazards = self.words()
            self._word_features = text_features(text + hazards)
        return self._word_features


def significant(found: list[str]) -> list[str]:
    return [w for w in found if len(w) > 1 and not w.isdecimal() and w not in STOPWORDS]  # isdecimal: what \d is


def words(text: str) -> list[str]:
    return significant(tokens(text))


def text_features(found: list[str]) -> list[str]:
    return [f"w:{w}" for w in found] + [f"b:{a}_{b}" for a, b in zip(found, found[1:], strict=False)]


def _count(n: int) -> str:
    return str(min(n, 6))


def hazard_features(record: Record) -> list[str]:
    """For the hazard-category model: what the product is and what was found in it."""
    return record.word_features() + [f"h:{w}" for w in record.words()[1]]


def product_features(record: Record) -> list[str]:
    """For the product-category model: the text and the kind of product (never the category itself)."""
    return [*record.word_features(), f"type:{record.kind}"]


def serious_features(record: Record) -> list[str]:
    """For the serious-risk model: everything, structured facts included — the hazard substances, alone and with
    the product category and the notifying country (how severe a hazard is depends on the product and on who
    reports it), the countries, the distribution — and the character 4-grams of the text, which carry a
    hazard's name across its spellings (salmonella / salmonellae, aflatoxin / aflatoxins)."""
    found = [*record.word_features()]
    substances = [h.strip().casefold() for h in record.hazards.split(",") if h.strip()]
    category = record.category.casefold()
    found += [f"hz:{h}" for h in substances]
    found += [f"cat_hz:{category}|{h}" for h in substances]
    found += [f"notif_hz:{record.notifying_country}|{h}" for h in substances]
    found += [f"cat:{category}", f"type:{record.kind}", f"notif:{record.notifying_country}"]
    found += [f"notif_cat:{record.notifying_country}|{category}"]
    found += [f"orig:{c}" for c in record.origin_countries]
    found += [f"orig_cat:{c}|{category}" for c in record.origin_countries]
    if record.notifying_country and record.notifying_country in record.origin_countries:
        found.append("domestic")
    found += [
        f"dist:{_count(record.distributed_to)}",
        f"attn:{_count(record.for_attention)}",
        f"follow:{_count(record.for_follow_up)}",
        f"ops:{_count(record.operators)}",
        f"dist_attn:{_count(record.distributed_to)}_{_count(record.for_attention)}",
    ]
    translated = english(record.text)
    text = f" {record.text.casefold()} {translated} " if translated else f" {record.text.casefold()} "
    found += [f"c:{text[i : i + 4]}" for i in range(len(text) - 3)]
    return found


def _listed(value: str) -> int:
    return len([x for x in (value or "").split(",") if x.strip()])


def from_risk_decision_row(row: dict) -> Record:
    """A row in the schema of the RASFF risk-decision export; its classification and risk_decision are never read."""
    notifying, _ = country_codes(row.get("notifying_country", ""), ",")
    origins, _ = country_codes(row.get("origin", ""), ",")
    return Record(
        text=row.get("subject", ""),
        hazards=row.get("hazards", ""),
        category=row.get("category", ""),
        kind=row.get("type", ""),
        notifying_country=notifying[0] if notifying else "",
        origin_countries=origins,
        distributed_to=_listed(row.get("distribution", "")),
        for_attention=_listed(row.get("forAttention", "")),
        for_follow_up=_listed(row.get("forFollowUp", "")),
        operators=_listed(row.get("operator", "")),
    )


_CATEGORY_SUFFIX = re.compile(r"\s+-\s+[^-]*$")


def substances(hazard_substance: str) -> str:
    """The RASFF notifications export appends the hazard category to each substance ("Salmonella - pathogenic
    micro-organisms"); the category is what the model predicts, so only the substance is kept."""
    parts = [_CATEGORY_SUFFIX.sub("", p.strip()) for p in (hazard_substance or "").split(";")]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def from_notification_row(row: dict) -> Record:
    """A row of the RASFF notifications export (2020–2024)."""
    notifying, _ = country_codes(row.get("Notification From", ""), ";,")
    origins, _ = country_codes(row.get("Country Origin", ""), ";,")
    return Record(
        text=row.get("Product", ""),
        hazards=substances(row.get("Hazard Substance", "")),
        category=row.get("Product Category", ""),
        kind="",
        notifying_country=notifying[0] if notifying else "",
        origin_countries=origins,
    )


def from_information(info, **words) -> Record:
    """One of our own risk information items (words: text_words and hazard_words, if already segmented)."""
    data = (info.source_data or {}).get("rasff-risk-2024", {})
    return Record(
        **words,
        text=" ".join(x for x in [info.title, info.product_name, info.description] if x),
        hazards=info.hazard_detail or "",
        category=info.product_category or "",
        kind=data.get("type", ""),
        notifying_country=info.notifying_country or "",
        origin_countries=list(info.origin_countries or []),
        distributed_to=_listed(data.get("distribution", "")),
        for_attention=_listed(data.get("forAttention", "")),
        for_follow_up=_listed(data.get("forFollowUp", "")),
        operators=_listed(data.get("operator", "")),
    )
