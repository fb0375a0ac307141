"""Enforcement (R-ENF-1, R-ENF-2): case transfers to the police, the procuratorate, the courts or another authority
— criminal cases (行刑衔接), public-interest litigation leads (公益诉讼) — each with a sealed evidence package (files,
a manifest of their SHA-256 hashes, the chain of custody), the receiving unit's acknowledgement and outcome."""
