"""Template helpers shared by every app."""

from html import escape

from django import template
from django.http import QueryDict
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from riskgate.core.addresses import address as reversed_once
from riskgate.core.audit_labels import action_label as label_of_action
from riskgate.core.audit_labels import actor_label, change_rows, object_label, verb_label
from riskgate.core.exports import KINDS
from riskgate.core.forms import plain_fields as render
from riskgate.core.pickers import datalists
from riskgate.core.text import has_chinese, local

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
    return local(obj, field)


@register.simple_tag
def bilingual(obj, field: str, lines: bool = False, limit: int = 0) -> str:
    """A text an officer writes in Chinese, with its English version (`<field>_en`): in English the English text,
    or, where none was written, the Chinese marked as such (`lang="zh-Hans"` and "original Chinese"), so that a
    reader knows why it is not in English. In Chinese, the Chinese text. `lines`: line breaks kept; `limit`: cut to
    so many characters (in a list)."""
    chinese = getattr(obj, field, "") or ""
    english = getattr(obj, f"{field}_en", "") or ""
    if limit:
        chinese, english = Truncator(chinese).chars(limit), Truncator(english).chars(limit)
    shown = linebreaksbr if lines else conditional_escape
    if translation.get_language() != "en":
        return shown(chinese)
    if english or not chinese:
        return shown(english)
    return format_html(
        '<span lang="zh-Hans">{}</span> <small class="original">{}</small>', shown(chinese), _("（中文原文）")
    )


@register.simple_tag
def source_text(obj, field: str, lines: bool = False) -> str:
    """A text received from a foreign source (in English), with an officer's Chinese version (`<field>_zh`): in
    Chinese the Chinese version, or, where none was written, the original marked as such (`lang="en"` and
    "英文原文"); in English the original."""
    original = getattr(obj, field, "") or ""
    chinese = getattr(obj, f"{field}_zh", "") or ""
    shown = linebreaksbr if lines else conditional_escape
    if translation.get_language() == "en" or (not chinese and has_chinese(original)) or not original:
        return shown(original)
    if chinese:
        return shown(chinese)
    return format_html(
        '<span lang="en">{}</span> <small class="original">{}</small>', shown(original), _("（英文原文）")
    )


# Chinese punctuation and its English counterpart (with the spacing English puts around it).
PUNCTUATION = {"：": ": ", "（": " (", "）": ")", "，": ", ", "、": ", ", "；": "; "}


@register.simple_tag
def punct(mark: str) -> str:
    """A punctuation mark between values in a template, in the active language: "：" in Chinese, ": " in English
    (Chinese punctuation only in Chinese, issue 26.3)."""
    return PUNCTUATION.get(mark, mark) if translation.get_language() == "en" else mark


@register.filter
def action_label(action: str) -> str:
    """An audit action in the reader's words ("风险预警 · 发布" for `warning.published`)."""
    return label_of_action(action)


@register.filter
def step_label(action: str) -> str:
    """A step of a record's history (`approved`, `sent_back`) in the reader's words."""
    return verb_label(action)


@register.filter
def audit_actor(event) -> str:
    """Who acted: the user name, or "系统" / "匿名访客" for the system and anonymous visitors."""
    return actor_label(event.actor_repr)


@register.filter
def actor_name(actor_repr: str) -> str:
    """A recorded actor (`system`, `anonymous` or a user name) in the reader's words."""
    return actor_label(actor_repr)


@register.filter
def audit_object(event) -> str:
    """The kind of object an audit event is about, by name ("风险预警" for `warnings.warningnotice`)."""
    return object_label(event.object_type)


@register.filter
def audit_changes(event) -> list:
    """An event's changes with field names and choice values in the reader's words (core.audit_labels)."""
    return change_rows(event.object_type, event.changes)


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
    """The links of a paginated list: its `page`, with the list's other parameters (`query`, URL-encoded) kept —
    the total, previous and next, the page numbers (the first, the last and two either side of this one) and a
    box to jump to any page. Built in Python, not by an included template: it is on every list, and the portal's
    search renders it for every search (bench/portal)."""
    page, query = context.get("page"), context.get("query")
    if page is None or not page.has_other_pages():
        return ""
    href = f"?{conditional_escape(query)}&amp;page=" if query else "?page="
    last = page.paginator.num_pages
    count = page.paginator.count
    total = npgettext("pager", "共 %(n)s 条", "共 %(n)s 条", count) % {"n": count}
    jump, go = escape(_("转到第")), escape(_("转到"))
    # Translated outside the f-strings: xgettext does not look inside them.
    pages, before, after = escape(_("分页")), escape(_("上一页")), escape(_("下一页"))
    parts = [f'<nav class="pager" aria-label="{pages}">\n<span class="total">{escape(total)}</span>\n']
    if page.has_previous():
        parts.append(f'<a href="{href}{page.previous_page_number()}" rel="prev">{before}</a>\n')
    shown = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    previous = 0
    for n in shown:
        if n - previous > 1:
            parts.append('<span class="gap" aria-hidden="true">…</span>\n')
        if n == page.number:
            label = escape(_("第 %(n)s / %(total)s 页") % {"n": n, "total": last})
            parts.append(f'<span aria-current="page" title="{label}">{n}</span>\n')
        else:
            parts.append(f'<a href="{href}{n}">{n}</a>\n')
        previous = n
    if page.has_next():
        parts.append(f'<a href="{href}{page.next_page_number()}" rel="next">{after}</a>\n')
    hidden = "".join(
        f'<input type="hidden" name="{escape(key)}" value="{escape(value)}">'
        for key, values in QueryDict(query or "").lists()
        if key != "page"
        for value in values
    )
    parts.append(
        f'<form method="get" class="jump">{hidden}<label>{jump} '
        f'<input type="number" name="page" min="1" max="{last}" value="{page.number}" inputmode="numeric"></label> '
        f'<button type="submit">{go}</button></form>\n</nav>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped or a number


@register.filter
def export_label(kind: str) -> str:
    """What an export job holds, by its kind's label (core.exports); the kind's code if it is no longer known."""
    known = KINDS.get(kind)
    return str(known.label) if known else kind


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label) -> str:
    """A column header: a link that sorts the list by this column (the other way when it is the current order),
    with `aria-sort` on the current one (core.listing). A column the list cannot sort by is a plain header."""
    order = context.get("sorting")
    text = escape(str(label))
    if order is None or key not in order.columns:
        return mark_safe(f'<th scope="col">{text}</th>')  # noqa: S308 - escaped
    if key == order.key:
        state = "descending" if order.descending else "ascending"
        arrow = "\u25bc" if order.descending else "\u25b2"
        hint = _("当前按此列降序排列，点击改为升序") if order.descending else _("当前按此列升序排列，点击改为降序")
    else:
        state, arrow, hint = "none", "\u21c5", _("点击按此列排序")
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<th scope="col" aria-sort="{state}"><a class="sort" href="{escape(order.href(key))}" '
        f'title="{escape(hint)}">{text}<span class="arrow" aria-hidden="true">{arrow}</span></a></th>'
    )


@register.simple_tag
def address(name: str) -> str:
    """{% url name %} for a URL name without arguments, reversed once (core.addresses)."""

    return reversed_once(name)


@register.simple_tag
def pickers():
    """The datalists the picker fields (core.pickers) offer their names from."""
    return datalists()
