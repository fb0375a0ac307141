"""Template helpers shared by every app."""

from html import escape

from django import template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from riskgate.core.addresses import address as reversed_once
from riskgate.core.forms import plain_fields as render
from riskgate.core.pickers import datalists

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

    return render(form)


@register.simple_tag(takes_context=True)
def pager(context) -> str:
    """The links of a paginated list: its `page`, with the list's other parameters (`query`, URL-encoded) kept.
    Built in Python, not by an included template: it is on every list, and the portal's search renders it for
    every search (bench/portal)."""
    page, query = context.get("page"), context.get("query")
    if page is None or not page.has_other_pages():
        return ""
    href = f"?{conditional_escape(query)}&amp;page=" if query else "?page="
    parts = [f'<nav class="pager" aria-label="{escape(_("分页"))}">\n']
    if page.has_previous():
        parts.append(f'<a href="{href}{page.previous_page_number()}">{escape(_("上一页"))}</a>')
    position = _("第 %(n)s / %(total)s 页") % {"n": page.number, "total": page.paginator.num_pages}
    parts.append(f"\n<span>{escape(position)}</span>\n")
    if page.has_next():
        parts.append(f'<a href="{href}{page.next_page_number()}">{escape(_("下一页"))}</a>')
    parts.append("\n</nav>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped or a number


@register.simple_tag
def address(name: str) -> str:
    """{% url name %} for a URL name without arguments, reversed once (core.addresses)."""

    return reversed_once(name)


@register.simple_tag
def pickers():
    """The datalists the picker fields (core.pickers) offer their names from."""
    return datalists()
