"""Template helpers shared by every app."""

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """An object's name in the active language: `name_en` in English where it has one, else `name`."""
    if obj is None or obj == "":
        return ""
    if translation.get_language() == "en" and getattr(obj, "name_en", ""):
        return obj.name_en
    return getattr(obj, "name", None) or str(obj)
