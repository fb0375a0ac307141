"""A warning's level and state badges, and the portal's result item, built in Python: they are on every row of
the portal's result list, where Django's template engine spent more time on 20 rows than everything else on the
page (bench/portal: 13 ms of a 19 ms page)."""

from functools import lru_cache
from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from riskgate.core.addresses import address
from riskgate.core.templatetags.riskgate import local_field, local_name
from riskgate.core.vocabulary import WarningLevel
from riskgate.warnings.models import WarningKind

register = template.Library()


def _level_html(level: str, words: dict) -> str:
    return f'<span class="level level-{escape(level)}">{escape(words["level"].get(level, level))}</span>'


def _state_html(notice, words: dict) -> str:
    if notice.status in ("lifted", "superseded"):
        state = notice.status
    else:
        state = "adjusted" if notice.change == "adjusted" else "active"
    css = {"lifted": "state lifted", "active": "state active"}.get(state, "state")
    html = f'<span class="{css}">{escape(words[state])}</span>'
    if notice.pending_confirmation:
        html += f' <span class="state pending">{escape(words["pending"])}</span>'
    return html


@lru_cache(maxsize=8)
def _languages(current: str) -> list[tuple[str, str, str]]:
    from django.conf import settings

    return [
        (code, translation.get_language_info(code)["name_local"], ' aria-current="true"' if code == current else "")
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def language_links(context) -> str:
    return language_links_html(context["request"])


def language_links_html(request) -> str:
    """The public pages' language switch: plain links to warnings:language, with this page as the way back
    (public pages are cached for everyone and carry no CSRF token, so no form). Built in Python: it is on every
    portal search (bench/portal)."""
    back = escape(quote(request.get_full_path(), safe="/"))
    base = address("warnings:language")
    links = "".join(
        f'<a class="button" href="{base}?language={code}&amp;next={back}" lang="{code}" hreflang="{code}"{current}>'
        f"{escape(name)}</a>"
        for code, name, current in _languages(translation.get_language() or "")
    )
    return mark_safe(f'<div class="lang">{links}</div>')  # noqa: S308 - escaped


@register.filter
def level_badge(level: str) -> str:
    """The level with its colour class and its full text label (never colour alone)."""
    return mark_safe(_level_html(level, _words(translation.get_language() or "")))  # noqa: S308 - escaped


@register.filter
def state_badge(notice) -> str:
    """Where a warning version stands: in force, adjusted, superseded by a newer version, or lifted."""
    return mark_safe(_state_html(notice, _words(translation.get_language() or "")))  # noqa: S308 - escaped


@register.filter
def pending_badge(notice) -> str:
    """ "Pending confirmation" for an emergency warning its assessment has not yet confirmed (Art.18–19); empty
    otherwise. The staff pages and the inbox show it beside the status; the public pages in state_badge."""
    if not notice.pending_confirmation:
        return ""
    words = _words(translation.get_language() or "")
    return mark_safe(f'<span class="state pending">{escape(words["pending"])}</span>')  # noqa: S308 - escaped


_PLACEHOLDER = 987654321


@lru_cache(maxsize=8)
def _words(language: str) -> dict:
    """The labels a result item shows, translated once per language (gettext per row was a third of its cost)."""

    return {
        "level": {level.value: str(level.label) for level in WarningLevel},
        "kind": {kind.value: str(kind.label) for kind in WarningKind},
        "origin": _("原产国"),
        "link": reverse("warnings:public_detail", args=[_PLACEHOLDER]),
        "lifted": _("已解除"),
        "superseded": _("已被新版本取代"),
        "adjusted": _("已调整"),
        "active": _("生效中"),
        "pending": _("待确认（紧急先行发布）"),
    }


# What result_item reads of a warning version (with its organisation's names): the portal reads only these.
RESULT_ITEM_FIELDS = (
    "id",
    "lineage_id",
    "level",
    "status",
    "change",
    "path",
    "confirmed_at",
    "kinds",
    "hs_codes",
    "origin_countries",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "published_at",
    "organisation__name",
    "organisation__name_en",
)


@register.filter
def result_item(notice) -> str:
    """One published warning in the portal's result list: badges, kinds, title linked to its page, summary, and
    date, issuer, HS codes and origins. The same markup as level_badge and state_badge, with the text escaped
    here (html.escape: & < > " ')."""
    words = _words(translation.get_language() or "")
    labels = words["kind"]
    kinds = "".join(f' <span class="kind">{escape(labels[k])}</span>' for k in notice.kinds if k in labels)
    meta = f" · HS {escape(', '.join(notice.hs_codes))}" if notice.hs_codes else ""
    if notice.origin_countries:
        meta += f" · {escape(words['origin'])} {escape(', '.join(notice.origin_countries))}"
    link = words["link"].replace(str(_PLACEHOLDER), str(int(notice.lineage_id)))
    summary = Truncator(local_field(notice, "summary")).chars(200)
    published = notice.published_at
    return mark_safe(  # noqa: S308 - every value below is escaped
        f'<li class="warning">\n<div>{_level_html(notice.level, words)} {_state_html(notice, words)}{kinds}</div>\n'
        f'<h2><a href="{escape(link)}">{escape(local_field(notice, "title"))}</a></h2>\n<p>{escape(summary)}</p>\n'
        f'<p class="meta"><time datetime="{published.isoformat()}">'
        f"{timezone.localtime(published):%Y-%m-%d}</time> · {escape(local_name(notice.organisation))}{meta}</p>\n</li>"
    )
