"""The public side of warnings (R-WRN-4): the portal (list, search, detail, every version), the Atom feed, CAP
messages and the CAP feed. No sign-in; only public warnings, and only their public fields, ever appear here."""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from riskgate.core import frames
from riskgate.core.access import MAX_ID
from riskgate.core.countries import country_name
from riskgate.core.vocabulary import LEVEL_COLOURS, WarningLevel

from .. import cap, portal_index, queries
from ..forms import PortalFilterForm
from ..models import WarningNotice, change_tag
from ..templatetags.warning_tags import RESULT_ITEM_FIELDS, language_links_html, result_item

FEED_SIZE = 100


def _filtered(request):
    form = PortalFilterForm(request.GET or None)
    return form, queries.public_warnings(**form.criteria())


PAGE_SECONDS = 60  # how long a rendered public page may be served again (its as-of time says when it was read)


def _cached_page(view=None, *, params=()):
    """Serve anonymous visitors the page rendered for the same address, language and data within PAGE_SECONDS.
    Public pages carry no per-visitor content (no CSRF token, no account), so one rendering serves everyone;
    signed-in officers always get a fresh page. Only the query parameters the page reads (`params`) tell pages
    apart, so parameters added to defeat the cache (?nonce=…) are served the same page."""
    if view is None:
        return lambda view: _cached_page(view, params=params)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if frames.personal(request):  # a session, or flash messages waiting for this visitor: never shared
            return view(request, *args, **kwargs)
        read = sorted((name, request.GET.getlist(name)) for name in params if name in request.GET)
        address = f"{request.LANGUAGE_CODE}|{request.path}|{read}|{queries.data_version()}"
        key = "public-page:" + hashlib.sha256(address.encode()).hexdigest()
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content, content_type="text/html; charset=utf-8")
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies:
            cache.set(key, response.content, PAGE_SECONDS)
        return response

    return wrapped


@require_GET
@cache_control(public=True, max_age=PAGE_SECONDS)
@_cached_page(params=[*PortalFilterForm.base_fields, "page"])
def portal(request):
    form = PortalFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be read filters nothing in: no results, and the error summary says why (issue 26:
        # it used to list every warning as if unfiltered).
        page, items = Paginator([], 20).get_page(1), []
    else:
        result = portal_index.search(form.criteria())
        page = Paginator(result.ids, 20).get_page(request.GET.get("page"))
        items = result.html(page.object_list.tolist(), translation.get_language(), result_item, RESULT_ITEM_FIELDS)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "items": items, "query": query.urlencode(), "as_of": timezone.now()}
    parts = {
        "language_links": language_links_html(request),
        "content": render_to_string("warnings/_portal_content.html", context),
    }
    response = frames.render_framed(request, "warnings/portal.html", parts)
    if form.errors:
        response.status_code = 400  # never cached (only 200 pages are)
    return response


@require_GET
def language(request):
    """Switch the interface language by a plain link (public pages are cached and carry no CSRF token): the
    choice is a cookie, as Django's own language switch sets it."""
    from django.conf import settings as conf
    from django.utils.http import url_has_allowed_host_and_scheme

    code = request.GET.get("language", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("warnings:portal")
    response = redirect(target)
    if code in dict(conf.LANGUAGES):
        response.set_cookie(
            conf.LANGUAGE_COOKIE_NAME,
            code,
            max_age=conf.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _version_or_404(lineage: int, version: int | None = None) -> tuple[WarningNotice, list[WarningNotice]]:
    if not 0 < lineage <= MAX_ID:  # not an id (and too large for SQLite's integers)
        raise Http404
    versions = list(queries.public_versions(lineage))
    if not versions:
        raise Http404
    if version is None:
        return versions[-1], versions
    for notice in versions:
        if notice.version == version:
            return notice, versions
    raise Http404


def public_scope(notice, language: str) -> dict:
    """A warning's regions and origin countries by name in the reader's language (the public page and the preview)."""
    names = queries.region_names(notice.regions, english=language == "en")
    return {
        "regions": [names.get(code) or code for code in notice.regions],
        "origins": [f"{country_name(code, language)} ({code})" for code in notice.origin_countries],
    }


@require_GET
@cache_control(public=True, max_age=PAGE_SECONDS)
@_cached_page
def public_detail(request, lineage: int, version: int | None = None):

    notice, versions = _version_or_404(lineage, version)
    context = {
        "w": notice,
        "versions": versions,
        "latest": versions[-1],
        "as_of": timezone.now(),
        **public_scope(notice, request.LANGUAGE_CODE),
    }
    return render(request, "warnings/public_detail.html", context)


@require_GET
@cache_control(public=True, max_age=60)
def cap_message(request, lineage: int, version: int):
    notice, _versions = _version_or_404(lineage, version)
    return HttpResponse(cap.to_xml(notice), content_type="application/cap+xml; charset=utf-8")


class _CapAtom(Atom1Feed):
    """Atom with each entry's CAP message linked as an alternate of type application/cap+xml (OASIS CAP feeds)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("link", "", {"rel": "alternate", "type": "application/cap+xml", "href": item["cap"]})


def _feed(request, *, title: str, cap_links: bool) -> HttpResponse:
    form, items = _filtered(request)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    versions = queries.feed_versions(items)[:FEED_SIZE]
    english = request.LANGUAGE_CODE == "en"
    base = request.build_absolute_uri("/").rstrip("/")
    feed = (_CapAtom if cap_links else Atom1Feed)(
        title=title,
        link=base + reverse("warnings:portal"),
        description=_("进出口商品质量安全风险预警"),
        language="en" if english else "zh-CN",
        feed_url=request.build_absolute_uri(),
    )
    for notice in versions:
        level = WarningLevel(notice.level)
        change = change_tag(notice)
        heading = notice.title_en if english and notice.title_en else notice.title
        link = base + reverse("warnings:public_version", args=[notice.lineage_id, notice.version])
        feed.add_item(
            title=f"[{level.label}] {change} {heading}",
            link=link,
            description=(notice.summary_en if english and notice.summary_en else notice.summary),
            unique_id=f"tag:riskgate,{notice.published_at:%Y-%m-%d}:{notice.reference}",
            pubdate=notice.published_at,
            updateddate=notice.published_at,
            categories=[level.value, LEVEL_COLOURS[level], *notice.kinds],
            cap=base + reverse("warnings:cap", args=[notice.lineage_id, notice.version]),
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_GET
@cache_control(public=True, max_age=60)
def atom_feed(request):
    return _feed(request, title=_("风险预警"), cap_links=False)


@require_GET
@cache_control(public=True, max_age=60)
def cap_feed(request):
    return _feed(request, title=_("风险预警（CAP）"), cap_links=True)
