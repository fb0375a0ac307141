"""Explicit access helpers for views: sign-in and permission checks, scoped object lookup."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .permissions import Permission
from .principal import Principal

MAX_ID = 2**53  # larger numbers are not ids: refuse them (422 in the API, 404 in pages) before any database sees them


def _guarded(holds: Callable[[Any], bool]) -> Callable:
    """A view decorator: anonymous users go to the sign-in page; signed-in users for whom `holds(user)` is false
    get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not holds(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def permission_required(*permissions: Permission) -> Callable:
    """Anonymous users go to the sign-in page; signed-in users without every permission get 403."""
    return _guarded(lambda user: all(user.has_permission(p) for p in permissions))


def any_permission_required(*permissions: Permission) -> Callable:
    """Like `permission_required`, but one of `permissions` is enough (a page several roles read, each its own
    rows: the view's queries scope what each sees)."""
    return _guarded(lambda user: any(user.has_permission(p) for p in permissions))


def login_required(view):
    return permission_required()(view)


def get_visible_or_404(queryset: QuerySet, principal: Principal, **lookup) -> Model:
    """The object if it exists inside the principal's scope; 404 otherwise (never 403, to hide existence)."""
    obj = queryset.visible_to(principal).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


NOT_AVAILABLE = gettext_lazy("不存在，或不在您可选择的范围内。")


def named(queryset: QuerySet, pk: int | None, field: str) -> Model | None:
    """The object a request body names by id, resolved through the caller's scope (`queryset` is what the caller may
    choose). An absent id and an id out of scope get the same answer, so a body cannot probe for existence."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise field_error(field, NOT_AVAILABLE)
    return obj


def named_all(queryset: QuerySet, ids: list[int], field: str) -> list[Model]:
    """Every object a body names by id, through the caller's scope; one that is absent or out of scope refuses all."""
    wanted = {pk for pk in ids}
    found = list(queryset.filter(pk__in=[pk for pk in wanted if 0 < pk <= MAX_ID])) if wanted else []
    if len(found) != len(wanted):
        raise field_error(field, NOT_AVAILABLE)
    return found


def require(principal: Principal, permission: Permission) -> None:
    """For services: refuse a principal without the permission (403 in views and the API)."""
    if not principal.has_permission(permission):
        raise PermissionDenied(_("没有权限：%s") % permission.value)


def field_error(field: str, message) -> ValidationError:
    """A service's refusal, attached to one field of the form or request."""
    return ValidationError({field: [message]})


def pk_or_404(queryset: QuerySet, pk: int) -> Model:
    """The row of an already scoped queryset, or 404 (also for numbers too large to be ids)."""
    obj = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise Http404
    return obj
