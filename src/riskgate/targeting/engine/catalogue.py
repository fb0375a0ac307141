"""The legal-inspection catalogue check of screening (法检目录与 CCC 入境验证, R-USE-3, decision 0031), without
Django: a declaration item of a catalogue commodity (by the longest HS prefix of the catalogue's version) must
carry the certificate references the entry asks for — the inspection reference (检验检疫编号, 18 digits) of a
commodity subject to legal inspection, the CCC certificate number (16 digits, from the year of issue) of a
CCC-certified product when it is imported. A missing or malformed reference asks for a document check (单证审核).

A batch's HS codes are looked up at once with NumPy (the engine's own prefix stems); only the items of catalogue
commodities are then read one by one for their certificates (bench/screening/catalogue.py measures the check
against the engine on the same items)."""

import re
from dataclasses import dataclass

import numpy as np

from .exchange import KINDS, CertificateError, parse_certificates  # noqa: F401 - the format's part
from .fast import _hs_numbers, _stem, _stems

NUMBER = {"inspection": re.compile(r"[0-9]{18}"), "ccc": re.compile(r"20[0-9]{14}")}
ACTION = "document_check"
SMALL_BATCH = 64  # items below which a dictionary look-up per item beats NumPy's fixed cost per call


@dataclass(frozen=True)
class Entry:
    legal_inspection: bool
    ccc: bool


class Catalogue:
    """One version of the catalogue: HS prefixes (4–10 digits) and what each asks for."""

    def __init__(self, version: int, entries: dict[str, Entry]):
        self.version = version
        self.entries = entries
        self.lengths = sorted({len(p) for p in entries}, reverse=True)
        # For a batch: every entry's prefix as the engine's stem (digits × 16 + length), sorted, and the lengths.
        self._keys = np.array(sorted(_stem(p) for p in entries), np.int64)
        self._wanted = np.array(self.lengths, np.int64)
        # What each prefix asks of an import and of an export, worked out once.
        self._needs = {
            p: (
                (("inspection",) if e.legal_inspection else ()) + (("ccc",) if e.ccc else ()),
                ("inspection",) if e.legal_inspection else (),
            )
            for p, e in entries.items()
        }
        self._references = {kind: f"CAT-v{version}:{kind}" for kind in KINDS}
        # The matched references each possible result of `missing` adds (at most three: worked out once).
        self.references = {
            missing: tuple(self._references[k] for k in missing)
            for missing in (("inspection",), ("ccc",), ("inspection", "ccc"))
        }

    def listed(self, codes) -> list[int]:
        """The indexes of the codes (4–10 digits each, as the exchange format checks them) that some entry's prefix
        begins. A declaration's few items are looked up one by one in a dictionary; a large batch at once with
        NumPy (the engine's prefix stems, searched in the catalogue's sorted stems), so the items outside the
        catalogue cost next to nothing either way and no call pays for more than its items."""
        if len(codes) < SMALL_BATCH:
            needs, lengths = self._needs, self.lengths
            return [i for i, code in enumerate(codes) if any(code[:n] in needs for n in lengths)]
        if not len(self._keys):
            return []
        numbers, lengths = _hs_numbers(tuple(codes))
        stems = _stems(numbers, lengths, self._wanted)
        keys = self._keys
        found = keys[np.minimum(np.searchsorted(keys, stems), len(keys) - 1)] == stems
        return np.flatnonzero(found.any(axis=1)).tolist()

    def entry(self, hs_code: str) -> Entry | None:
        entries = self.entries
        for length in self.lengths:
            found = entries.get(hs_code[:length])
            if found is not None:
                return found
        return None

    def missing(self, hs_code: str, certificates, direction: str = "import") -> tuple[str, ...]:
        """The kinds of reference the item lacks or gives malformed (empty: nothing to check). `certificates` as
        the exchange format gives them (checked by parse_certificates) or by kind. Legal inspection applies to
        imports and exports; the CCC entry check to imports."""
        needs = self._needs
        for length in self.lengths:
            found = needs.get(hs_code[:length])
            if found is not None:
                break
        else:
            return ()
        wanted = found[0] if direction == "import" else found[1]
        if not certificates:
            return wanted
        given = certificates if isinstance(certificates, dict) else {c["kind"]: c["number"] for c in certificates}
        return tuple(k for k in wanted if not NUMBER[k].fullmatch(given.get(k, "")))

    def reference(self, kind: str) -> str:
        return self._references[kind]


REFERENCE = re.compile(r"CAT-v([0-9]{1,9}):(inspection|ccc)")
