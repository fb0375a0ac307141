"""All writes about organisations, users, sign-in and API tokens: validate, save, audit."""

import datetime as dt
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import require
from riskgate.core.fastpath.joined import JoinedReader
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal

from .models import ApiToken, LoginFailure, Organisation, OrganisationKind, TokenPrincipal, User, token_digest

ORGANISATION_FIELDS = [
    "kind",
    "name",
    "name_en",
    "code",
    "parent",
    "region",
    "agency_type",
    "enterprise_types",
    "uscc",
    "customs_code",
    "address",
    "is_active",
]


# --- sign-in -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str = ""


def _recent_failures(**filters) -> int:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(at__gte=since, **filters).count()


def is_throttled(*, username: str, ip: str | None) -> bool:
    """Too many recent failures for this account, or from this address."""
    if _recent_failures(username__iexact=username) >= settings.LOGIN_FAILURES_PER_ACCOUNT:
        return True
    return bool(ip) and _recent_failures(ip=ip) >= settings.LOGIN_FAILURES_PER_IP


def check_password_login(request, *, username: str, password: str) -> LoginResult:
    """Check a username and password with lockout and throttling; audit success, failure and lockout.

    The answer never tells whether the account exists or is locked rather than mistyped.
    """
    ip = audit.current_ip.get()
    username = (username or "").strip()[:150]
    generic = _("用户名或密码错误，或尝试次数过多，请稍后再试。")
    if is_throttled(username=username, ip=ip):
        with transaction.atomic():
            LoginFailure.objects.create(username=username, ip=ip)
            audit.record(actor=None, action="login.throttled", object_type="accounts.user", object_id=username)
        return LoginResult(None, generic)
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():
            LoginFailure.objects.create(username=username, ip=ip)
            audit.record(actor=None, action="login.failed", object_type="accounts.user", object_id=username)
            if _recent_failures(username__iexact=username) == settings.LOGIN_FAILURES_PER_ACCOUNT:
                audit.record(actor=None, action="login.locked", object_type="accounts.user", object_id=username)
        return LoginResult(None, generic)
    return LoginResult(user)


def record_totp_failure(user: User) -> None:
    """A wrong second factor counts towards the lockout like a wrong password, and is audited."""
    LoginFailure.objects.create(username=user.username, ip=audit.current_ip.get())
    audit.record(actor=None, action="login.totp_failed", object_type="accounts.user", object_id=user.username)


def record_login(user: User, *, second_factor: bool) -> None:
    with transaction.atomic():
        LoginFailure.objects.filter(username__iexact=user.username).delete()
        audit.record(actor=user, action="login.succeeded", obj=user, changes=audit.facts(second_factor=second_factor))


def record_logout(user: User) -> None:
    audit.record(actor=user, action="logout", obj=user)


def purge_login_failures() -> int:
    """Delete failures older than the lockout window (they no longer count)."""
    keep = max(settings.LOGIN_FAILURE_WINDOW_SECONDS, settings.LOGIN_LOCKOUT_SECONDS)
    deleted, _ = LoginFailure.objects.filter(at__lt=timezone.now() - dt.timedelta(seconds=keep)).delete()
    return deleted


# --- TOTP second factor ----------------------------------------------------------------------------


def totp_begin(user: User) -> str:
    """A fresh secret for the user to enrol; not active until confirmed with a code."""
    if user.totp_enabled:
        raise ValidationError(_("动态口令已启用。"))
    secret = pyotp.random_base32()
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_confirmed_at = None
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
        audit.record(actor=user, action="totp.enrolment_started", obj=user)
    return secret


def totp_provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="RiskGate")


def totp_verify(user: User, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    if not user.totp_secret or not code.isdigit():
        return False
    return pyotp.TOTP(user.totp_secret).verify(code, valid_window=1)


def totp_confirm(user: User, code: str) -> None:
    if not totp_verify(user, code):
        audit.record(actor=user, action="totp.confirmation_failed", obj=user)
        raise ValidationError(_("动态口令不正确。"))
    with transaction.atomic():
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_confirmed_at"])
        audit.record(actor=user, action="totp.enabled", obj=user)


# --- organisations ---------------------------------------------------------------------------------


def create_enterprise(principal: Principal, *, data: dict) -> Organisation:
    """Register an enterprise under an organisation in the principal's jurisdiction."""
    require(principal, Permission.ORG_ENTERPRISE_CREATE)
    parent = data.get("parent")
    if parent is None or not Organisation.objects.visible_to(principal).filter(pk=parent.pk).exists():
        raise ValidationError({"parent": [_("上级（主管）机构必须在您的辖区之内。")]})
    org = Organisation(kind=OrganisationKind.ENTERPRISE, **data)
    org.full_clean()
    with transaction.atomic():
        org.save()
        audit.record(
            actor=principal,
            action="organisation.created",
            obj=org,
            changes=audit.diff({}, audit.snapshot(org, ORGANISATION_FIELDS)),
        )
    return org


# --- API tokens ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its digest is stored


def issue_token(
    actor: User, *, name: str, organisation: Organisation, permissions: list[str], expires_at: dt.datetime | None
) -> IssuedToken:
    require(actor, Permission.API_TOKEN_MANAGE)
    if not Organisation.objects.visible_to(actor).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": [_("只能为辖区内的机构签发令牌。")]})
    unknown = set(permissions) - {p.value for p in Permission}
    if unknown:
        raise ValidationError({"permissions": [_("未知的权限：%s") % ", ".join(sorted(unknown))]})
    beyond = set(permissions) - actor.permission_codes
    if beyond:
        raise ValidationError({"permissions": [_("不能授予自己没有的权限：%s") % ", ".join(sorted(beyond))]})
    if not name.strip():
        raise ValidationError({"name": [_("请填写令牌名称。")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("到期时间必须晚于现在。")]})
    prefix = secrets.token_hex(4)
    secret = f"rg_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name.strip(),
            organisation=organisation,
            permissions=sorted(set(permissions)),
            prefix=prefix,
            digest=token_digest(secret),
            created_by=actor,
            expires_at=expires_at,
        )
        audit.record(
            actor=actor,
            action="api_token.issued",
            obj=token,
            changes=audit.facts(organisation=organisation.pk, permissions=token.permissions, expires_at=expires_at),
        )
    return IssuedToken(token, secret)


def revoke_token(actor: User, token: ApiToken, *, reason: str = "") -> None:
    require(actor, Permission.API_TOKEN_MANAGE)
    if not ApiToken.objects.visible_to(actor).filter(pk=token.pk).exists():
        raise PermissionDenied
    if token.revoked_at:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoked", obj=token, reason=reason)


# On every API request: one kept statement instead of the ORM's compiled query (core.fastpath).
_tokens = JoinedReader(ApiToken, "organisation", "digest")


def _token_by_digest(digest: str) -> ApiToken | None:
    """The token of a digest with its organisation, or None."""
    return _tokens.read(digest)


def principal_for_token(secret: str) -> TokenPrincipal | None:
    """The principal of a presented token, or None when it is unknown, expired or revoked."""
    if not secret or not secret.startswith("rg_"):
        return None
    token = _token_by_digest(token_digest(secret))
    if token is None or not token.is_usable or token.organisation is None or not token.organisation.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return TokenPrincipal(token)
