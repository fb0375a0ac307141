"""Who acts: a signed-in person (accounts.User) or a partner system with an API token (accounts.TokenPrincipal).

Services take either as their `principal`; both answer the `Principal` protocol. Where a record names a person
(drafted by, decided by, uploaded by), `person(principal)` gives that person, or None for a token or the system
(a scheduled job acts with principal None); `require_person` refuses what only an accountable person may do.
"""

from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import PermissionDenied


@runtime_checkable
class Principal(Protocol):
    is_authenticated: bool
    organisation: Any
    organisation_id: int | None
    scope_mode: str

    def has_permission(self, permission: Any) -> bool: ...


def person(principal: Principal | None):
    """The person behind the principal: the user, or None for an API token or the system."""
    if principal is None or getattr(principal, "is_api_token", False) or not getattr(principal, "pk", None):
        return None
    return principal


def recorded(principal: Principal | None):
    """Who a stored row names as having done something: the user, or for an API token its recording account (an
    inactive account of the token's organisation that cannot sign in), so that a port system's write names
    the system; None for the system itself."""
    if principal is None:
        return None
    if getattr(principal, "is_api_token", False):
        return principal.account()
    return person(principal)


def require_person(principal: Principal | None):
    """The person behind the principal; a token or the system is refused (what only a person may be accountable
    for: drafting and approving warnings, for instance)."""
    user = person(principal)
    if user is None:
        raise PermissionDenied
    return user


def is_token(principal: Principal | None) -> bool:
    """True when a partner system acts with an API token (its `token` is then the ApiToken)."""
    return bool(getattr(principal, "is_api_token", False))
