"""Text at the boundary: control characters other than tab and line breaks are refused in what people and
systems submit (forms, the API) and stripped from the files an import reads, so nothing stored carries a NUL
(which PostgreSQL refuses) or a vertical tab (which no XLSX may hold)."""

import re
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR are text


def named(char: str) -> str:
    return f"\\x{ord(char):02x}"


def validate_text(value) -> None:
    """Django validator: refuse a value holding a control character, naming it."""
    if isinstance(value, str) and (found := CONTROL.search(value)):
        raise ValidationError(
            _("含有不允许的控制字符（%(char)s，第 %(pos)d 个字符）。"),
            code="control_character",
            params={"char": named(found.group()), "pos": found.start() + 1},
        )


def strip_control(value: str) -> str:
    return CONTROL.sub("", value)


def control_characters(data, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, character) of every control character in a parsed JSON document's keys and strings."""
    if isinstance(data, str):
        if found := CONTROL.search(data):
            yield path, found.group()
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and (found := CONTROL.search(key)):
                yield (*path, key), found.group()
            yield from control_characters(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from control_characters(value, (*path, index))


HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_chinese(value: str) -> bool:
    """Whether a text holds a Han character (a Chinese text, or a foreign one with Chinese in it)."""
    return bool(HAN.search(value or ""))


def local(obj, field: str = "name") -> str:
    """A text field in the active language: `<field>_en` in English where it is filled, else `<field>`."""
    english = getattr(obj, f"{field}_en", "") if translation.get_language() == "en" else ""
    return english or getattr(obj, field, "") or ""
