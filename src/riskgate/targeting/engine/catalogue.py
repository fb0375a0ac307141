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

    def listed(self, codes) -> np.ndarray:
        """The indexes of the codes (4–10 digits each, as the exchange format checks them) that some entry's prefix
        begins: NumPy over the whole batch, so the items outside the catalogue cost next to nothing."""
        if not len(codes) or not len(self._keys):
            return np.empty(0, np.int64)
        numbers, lengths = _hs_numbers(tuple(codes))
        stems = _stems(numbers, lengths, self._wanted)
        return np.flatnonzero(np.isin(stems, self._keys).any(axis=1))

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
