"""Pickers for typed codes: a text field offers names from a datalist ("中国 (CN)", "陕西省 (610000)",
"95 玩具、游戏或运动用品…") and reads back the code from whatever was picked or typed — a name with its code, the
code alone, or the name alone. The datalists are reference data, built once per language per process."""

import re
from functools import lru_cache

import pycountry
from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .countries import country_code, country_name, is_valid_code
from .models import HSCode, Region, RegionLevel

COUNTRY_LIST, REGION_LIST, HS_LIST = "pick-countries", "pick-regions", "pick-hs"
_CODE_IN = re.compile(r"\((?P<code>[0-9A-Z]{2,6})\)\s*$")


@lru_cache(maxsize=4)
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    codes = sorted({c.alpha_2 for c in pycountry.countries})
    return tuple((f"{country_name(code, language)} ({code})", code) for code in codes)


@lru_cache(maxsize=4)
def _regions(language: str) -> tuple[tuple[str, str], ...]:
    rows = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").values_list("code", "name", "name_en")
    return tuple(
        (f"{(name_en if language == 'en' and name_en else name)} ({code})", code) for code, name, name_en in rows
    )


@lru_cache(maxsize=4)
def _chapters(language: str) -> tuple[tuple[str, str], ...]:
    rows = HSCode.objects.filter(level=2).order_by("code").values_list("code", "description", "description_zh")
    return tuple(
        (f"{code} {(zh if language != 'en' and zh else description)[:60]}", code) for code, description, zh in rows
    )


def datalists() -> SafeString:
    """The three datalists of the pickers, in the active language: rendered once per language per process, like
    the options they list (about 380 escaped options: half the time of rendering a portal search page)."""
    return _datalists(get_language() or "zh-hans")


@lru_cache(maxsize=4)
def _datalists(language: str) -> SafeString:
    return format_html_join(
        "",
        '<datalist id="{}">{}</datalist>',
        (
            (name, format_html_join("", '<option value="{}"></option>', ((label,) for label, _code in options)))
            for name, options in (
                (COUNTRY_LIST, _countries(language)),
                (REGION_LIST, _regions(language)),
                (HS_LIST, _chapters(language)),
            )
        ),
    )


class CountryPickField(forms.CharField):
    """A country by name or code: "中国 (CN)", "CN", "China" or "中国" → "CN"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": COUNTRY_LIST, "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return ""
        code = country_code(text) or _by_name(text, _countries(get_language() or "zh-hans"))
        if not code or not is_valid_code(code):
            raise forms.ValidationError(_("未知的国家或地区：%s（请从列表中选择）") % text)
        return code


class RegionPickField(forms.CharField):
    """A province by name or GB/T 2260 code: "陕西省 (610000)", "610000" or "陕西省" → "610000"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": REGION_LIST, "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return ""
        match = _CODE_IN.search(text) or re.fullmatch(r"(?P<code>\d{6})", text)
        code = match.group("code") if match else _by_name(text, _regions(get_language() or "zh-hans"))
        if not code or not re.fullmatch(r"\d{6}", code) or not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("未知的地区：%s（请从列表中选择）") % text)
        return code


class HSPickField(forms.CharField):
    """An HS chapter, heading or subheading by its code, picked with its name: "95 玩具…" or "9503" → the digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": HS_LIST, "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return ""
        match = re.match(r"(\d{2,6})(?:\s|$)", text)
        if match is None:
            raise forms.ValidationError(_("HS 编码应为 2–6 位数字：%s（请从列表中选择章）") % text)
        return match.group(1)


def _by_name(text: str, options) -> str | None:
    """The code of an option whose name (the label without its code) is exactly the text typed."""
    wanted = text.casefold()
    for label, code in options:
        if label.rsplit(" (", 1)[0].casefold() == wanted:
            return code
    return None
