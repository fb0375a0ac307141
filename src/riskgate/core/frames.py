"""Public pages rendered into a frame kept per language.

A public page is its frame — the base layout: head, header, navigation, footer — and a few parts that change
with every request (the content, the language links that lead back to this address). For an anonymous visitor
the frame depends only on the template, the language and the page (its navigation entry is marked current), so
it is rendered once, with a marker in place of each part, and kept; a request then renders only its parts and
joins them into the frame. On the portal's search page the base layout had become the largest cost of a search
that is not in the page cache (bench/portal).

Who gets the kept frame: visitors without a session or flash messages (the same rule as the public page cache,
warnings.views.portal._cached_page). Everyone else — a signed-in officer's navigation, a visitor's messages — gets the
frame rendered for their own request. A frame that used the CSRF token is never kept (it would carry one
visitor's token to the next). Tests check that the page joined from a kept frame is the page rendered whole.
"""

import threading

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

MARK = "\ue000{}\ue001"  # private-use characters: never produced by escaping, rare in text
_frames: dict[tuple, list[str]] = {}
_lock = threading.Lock()


def personal(request) -> bool:
    """Whether a request carries something of its own visitor: a session or flash messages waiting."""
    return bool({settings.SESSION_COOKIE_NAME, "messages"} & set(request.COOKIES))


def render_framed(request, template: str, parts: dict[str, SafeString]) -> HttpResponse:
    """The page `template` (which shows each part as {{ parts.<name> }}) with `parts` (name → HTML, safe)."""
    user = getattr(request, "user", None)
    if (user is not None and user.is_authenticated) or personal(request):
        return HttpResponse(render_to_string(template, {"parts": parts}, request))
    match = getattr(request, "resolver_match", None)
    key = (template, translation.get_language(), getattr(match, "view_name", ""), get_script_prefix())
    frame = _frames.get(key)
    if frame is None:
        frame = _render_frame(request, template, list(parts))
        if frame is None:  # the frame used the CSRF token: rendered per request
            return HttpResponse(render_to_string(template, {"parts": parts}, request))
        with _lock:
            _frames[key] = frame
    # frame: text, part name, text, part name, …, text
    return HttpResponse("".join(parts[piece] if i % 2 else piece for i, piece in enumerate(frame)))


def _render_frame(request, template: str, names: list[str]) -> list[str] | None:
    token_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    marked = {name: mark_safe(MARK.format(name)) for name in names}  # noqa: S308 - a constant marker
    html = render_to_string(template, {"parts": marked}, request)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not token_used:
        return None
    frame: list[str] = []
    rest = html
    while True:
        found = [(rest.find(MARK.format(name)), name) for name in names if MARK.format(name) in rest]
        if not found:
            break
        at, name = min(found)
        frame += [rest[:at], name]
        rest = rest[at + len(MARK.format(name)) :]
    frame.append(rest)
    return frame


def forget() -> None:
    """Forget the kept frames (tests that change templates or translations)."""
    with _lock:
        _frames.clear()
