"""How a partner system authenticates to the API: `Authorization: Bearer rg_…` with an API token."""

from ninja.security import HttpBearer

from .services import principal_for_token


class BearerToken(HttpBearer):
    """A system-to-system client with an API token; the token's principal is the request's principal."""

    def authenticate(self, request, token):
        principal = principal_for_token(token)
        if principal is not None:
            request.principal = principal
        return principal
