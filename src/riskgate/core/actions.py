"""One way for a page to take a POST action on an object (`/<thing>/<pk>/<action>/`): look the action up, check
who may take it, validate its form, call the service, and answer — a redirect with a message on success, the
page again with the form's errors (or the service's refusal) otherwise."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse

from .forms import add_service_errors


@dataclass(frozen=True)
class Action:
    """`run(request, obj, data)` calls the service with the form's cleaned data ({} without a form). `done` is the
    success message (`%s` takes the shown object's reference). `allowed(request, obj)`, when given, must hold or
    the answer is 403. `follow`: show the object `run` returns (a new version) instead of `obj`; `show`, when
    given, is where this action leads instead of the page's own `show`."""

    run: Callable[[Any, Any, dict], Any]
    done: str = ""
    form: Callable | None = None
    allowed: Callable[[Any, Any], bool] | None = None
    follow: bool = False
    show: Callable[[Any], HttpResponse] | None = None


def dispatch(
    request,
    obj,
    name: str,
    actions: dict[str, Action],
    *,
    show: Callable[[Any], HttpResponse],
    redisplay: Callable[[Any, Any, dict, int], HttpResponse] | None = None,
    invalid_status: int = 400,
    form_kwargs: Callable[[Any, Any, str], dict] | None = None,
    explain_refusals: bool = False,
    invalid_message: str | None = None,
) -> HttpResponse:
    """Take action `name` on `obj`. `show(obj)` is the redirect after it; `redisplay(request, obj, forms, status)`
    renders the page again with the failed form (without it, errors become messages and the page is shown).
    `form_kwargs(request, obj, name)`: more arguments for the form (an instance, element ids).
    `explain_refusals`: a refusal that says why (PermissionDenied with a message) is shown as a message instead
    of a 403. `invalid_message`: said above a redisplayed form (the service's own refusal is said as it is)."""
    action = actions.get(name)
    if action is None:
        raise Http404
    if action.allowed is not None and not action.allowed(request, obj):
        raise PermissionDenied
    form = None
    if action.form is not None:
        form = action.form(request.POST, request.FILES, **(form_kwargs(request, obj, name) if form_kwargs else {}))
        if not form.is_valid():
            if invalid_message:
                messages.error(request, invalid_message)
            return _failed(request, obj, name, form, show, redisplay, invalid_status)
    try:
        result = action.run(request, obj, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return show(obj)
        add_service_errors(form, exc)
        if invalid_message:
            messages.error(request, " ".join(exc.messages))
        return _failed(request, obj, name, form, show, redisplay, invalid_status)
    except PermissionDenied as exc:
        if not (explain_refusals and str(exc)):
            raise
        messages.error(request, str(exc))
        return show(obj)
    shown = result if action.follow else obj
    if action.done:
        done = str(action.done)  # in the request's language: tables of actions hold lazy translations
        messages.success(request, done % shown.reference if "%s" in done else done)
    return (action.show or show)(shown)


def _failed(request, obj, name, form, show, redisplay, status) -> HttpResponse:
    if redisplay is not None:
        return redisplay(request, obj, {name: form}, status)
    messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return show(obj)
