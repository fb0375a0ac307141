"""ISO 3166-1 countries: codes from the names used by foreign alert systems, names in Chinese and English."""

import gettext
import re
from functools import lru_cache

import pycountry

# Names in RASFF / Safety Gate exports that pycountry does not resolve. None: not a country.
ALIASES: dict[str, str | None] = {
    "turkey": "TR",
    "russia": "RU",
    "republic of korea": "KR",
    "south korea": "KR",
    "north korea": "KP",
    "kosovo": "XK",  # user-assigned code used by the EU and ISO-based systems
    "the netherlands": "NL",
    "northern ireland": "GB",
    "european commission": "EU",  # "exceptionally reserved" ISO code: the notifier is the Commission
    "falkland islands": "FK",
    "west bank and gaza strip": "PS",
    "democratic republic of the congo": "CD",
    "são tomé and príncipe": "ST",
    "republic of north macedonia": "MK",
    "cape verde": "CV",
    "bonaire": "BQ",
    "sint eustatius and saba": "BQ",
    "netherlands antilles": None,  # dissolved in 2010; no current code
    "unknown origin": None,
    "unknown": None,
}
EXTRA_NAMES = {"XK": ("科索沃", "Kosovo"), "EU": ("欧盟委员会", "European Commission")}
_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Z]{2})\)$")


@lru_cache(maxsize=2048)
def country_code(name: str) -> str | None:
    """The alpha-2 code of a country name (or of an alpha-2/alpha-3 code); None when unknown."""
    name = (name or "").strip()
    if not name:
        return None
    match = _SUFFIX.match(name)
    if match:
        return match.group("code")
    key = name.casefold()
    if key in ALIASES:
        return ALIASES[key]
    if name.upper() in EXTRA_NAMES:
        return name.upper()
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def country_codes(text: str, separators: str = ";") -> tuple[list[str], list[str]]:
    """Codes of a list of names ("France; India"), and the names that could not be resolved."""
    codes, unknown = [], []
    for part in re.split(f"[{re.escape(separators)}]", text or ""):
        part = part.strip()
        if not part:
            continue
        code = country_code(part)
        if code and code not in codes:
            codes.append(code)
        elif code is None and ALIASES.get(part.casefold(), "?") == "?":
            unknown.append(part)
    return codes, unknown


@lru_cache(maxsize=1)
def _zh() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)


def country_name(code: str, language: str = "zh-hans") -> str:
    if code in EXTRA_NAMES:
        return EXTRA_NAMES[code][0 if language.startswith("zh") else 1]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _zh().gettext(country.name) if language.startswith("zh") else getattr(country, "common_name", country.name)


@lru_cache(maxsize=1024)
def is_valid_code(code: str) -> bool:
    return code in EXTRA_NAMES or pycountry.countries.get(alpha_2=code) is not None
