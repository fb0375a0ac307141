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


@register.filter
def local_field(obj, field: str) -> str:
    """A text field in the active language: `<field>_en` in English where it is filled, else `<field>`."""
    if translation.get_language() == "en" and getattr(obj, f"{field}_en", ""):
        return getattr(obj, f"{field}_en")
    return getattr(obj, field, "")


@register.filter
def entries(mapping) -> list:
    """A dict's (key, value) pairs. `mapping.items` in a template looks up a key named "items" first, so a dict
    that has one (a warning's changed fields do) would break the loop."""
    return list(mapping.items()) if isinstance(mapping, dict) else []


@register.filter
def plain_fields(form):
    """The form's fields as `as_div` renders them, built without a template per widget (core.forms)."""
    from riskgate.core.forms import plain_fields as render

    return render(form)
