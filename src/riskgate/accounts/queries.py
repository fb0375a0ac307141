"""Reads of organisations, users and tokens shared by the pages and the API (always scoped to the principal)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from riskgate.core.access import get_visible_or_404
from riskgate.core.models import AuditEvent, Region
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.queries import my_sign_ins

from .models import ApiToken, Organisation, OrganisationKind, User

RECENT = 10


def organisations(principal: Principal, *, kind: str | None = None, q: str | None = None) -> QuerySet[Organisation]:
    """Organisations the principal may read, optionally of one kind and matching a name or code."""
    orgs = Organisation.objects.visible_to(principal)
    if kind in OrganisationKind.values:
        orgs = orgs.filter(kind=kind)
    q = (q or "").strip()
    if q:
        orgs = orgs.filter(
            Q(name__icontains=q) | Q(name_en__icontains=q) | Q(uscc=q.upper()) | Q(customs_code=q.upper())
        )
    return orgs


def jurisdiction_panel(user) -> dict | None:
    """The home page's panel: organisations in scope by kind and the enterprises registered last."""
    if not user.has_permission(Permission.ORG_ORGANISATION_VIEW):
        return None
    organisation = getattr(user, "organisation", None)
    if organisation is None or organisation.kind == OrganisationKind.ENTERPRISE:
        return None  # an enterprise has no jurisdiction to oversee (issue 26: no irrelevant panels)
    orgs = Organisation.objects.visible_to(user)
    return {
        "org_counts": [
            {"kind": row["kind"], "label": OrganisationKind(row["kind"]).label, "n": row["n"]}
            for row in orgs.values("kind").annotate(n=Count("id")).order_by("kind")
        ],
        "recent_enterprises": orgs.filter(kind=OrganisationKind.ENTERPRISE).order_by("-created_at")[:RECENT],
    }


def account_security_panel(user) -> dict | None:
    """The home page's panel for user managers: accounts locked in the last day, and 2FA not yet enabled."""
    if not user.has_permission(Permission.ORG_USER_MANAGE):
        return None
    in_scope = User.objects.visible_to(user)
    return {
        "locked_usernames": AuditEvent.objects.filter(
            action="login.locked",
            at__gte=timezone.now() - dt.timedelta(hours=24),
            object_id__in=in_scope.values("username"),
        )
        .values("object_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:RECENT],
        "users_without_totp": in_scope.filter(
            is_active=True, role__require_totp=True, totp_confirmed_at__isnull=True
        ).count(),
    }


def expiring_tokens_panel(user) -> dict | None:
    """The home page's panel for token managers: API tokens that expire within two weeks."""
    if not user.has_permission(Permission.API_TOKEN_MANAGE):
        return None
    soon = timezone.now() + dt.timedelta(days=14)
    return {
        "expiring_tokens": ApiToken.objects.visible_to(user).filter(
            revoked_at__isnull=True, expires_at__isnull=False, expires_at__lte=soon
        )[:RECENT]
    }


def my_account_panel(user) -> dict:
    """The home page's panel every signed-in user has: second factor and own recent sign-ins."""
    return {"my_sign_ins": my_sign_ins(user)}


def organisation_or_404(principal: Principal, pk: int) -> Organisation:
    """An organisation of the principal's scope (with its region and parent), or 404."""
    return get_visible_or_404(Organisation.objects.select_related("region", "parent"), principal, pk=pk)


def parents(principal: Principal) -> QuerySet[Organisation]:
    """Organisations a new enterprise may be registered under: those of the principal's jurisdiction."""
    return Organisation.objects.visible_to(principal)


def region(code: str) -> Region | None:
    return Region.objects.filter(pk=code).first()


def children(principal: Principal, organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(principal).filter(parent=organisation)


def members(organisation: Organisation) -> QuerySet[User]:
    """The accounts of an organisation (shown to those who may view users, on an organisation they may see)."""
    return User.objects.filter(organisation=organisation).select_related("role")


def users(principal: Principal) -> QuerySet[User]:
    return User.objects.visible_to(principal)


def active_user(pk) -> User | None:
    """The active account a half-finished sign-in names (the second factor's step)."""
    return User.objects.filter(pk=pk, is_active=True).first()


def tokens(principal: Principal) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(principal).select_related("organisation", "created_by")


def token_or_404(principal: Principal, pk: int) -> ApiToken:
    return get_visible_or_404(ApiToken.objects.all(), principal, pk=pk)
