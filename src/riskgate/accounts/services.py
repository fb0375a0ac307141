"""All writes about organisations, users, sign-in and API tokens: validate, save, audit."""

import datetime as dt
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import require
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


_readers: dict = {}


def _shape(model, db) -> tuple[str, list[str], list]:
    """A model's columns for a SELECT (qualified by its table), their attnames, and each column's converters (the
    backend's and the field's, as the ORM's compiler applies them)."""
    quote, table = db.ops.quote_name, model._meta.db_table
    fields = model._meta.concrete_fields
    converters = []
    for n, f in enumerate(fields):
        column = f.get_col(table)
        found = [*db.ops.get_db_converters(column), *column.get_db_converters(db)]
        if found:
            converters.append((n, column, found))
    selected = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
    return selected, [f.attname for f in fields], converters


def _instance(model, db, names: list[str], converters: list, row) -> object:
    values = list(row)
    for n, column, functions in converters:
        for convert in functions:
            values[n] = convert(values[n], column, db)
    return model.from_db(db.alias, names, values)


def _token_by_digest(digest: str) -> ApiToken | None:
    """The token of a digest with its organisation, or None: one SELECT (a join), its statement and converters
    worked out once, read into model instances with the ORM's conversions (Model.from_db, as a query would). It
    runs on every API request, and the ORM's compilation of a query is most of its cost: 0.9–1.0 ms through
    `select_related`, 0.27 ms as two raw querysets, less again as one kept statement — and one round trip to
    PostgreSQL instead of two (docs/decisions/0011)."""
    db = connections[ApiToken.objects.db]
    if db.alias not in _readers:
        quote = db.ops.quote_name
        token_columns, token_names, token_converters = _shape(ApiToken, db)
        organisation_columns, organisation_names, organisation_converters = _shape(Organisation, db)
        tokens, organisations = quote(ApiToken._meta.db_table), quote(Organisation._meta.db_table)
        sql = (
            f"SELECT {token_columns}, {organisation_columns} FROM {tokens} JOIN {organisations} "  # noqa: S608 - names quoted
            f"ON {organisations}.{quote(Organisation._meta.pk.column)} = "
            f"{tokens}.{quote(ApiToken._meta.get_field('organisation').column)} "
            f"WHERE {tokens}.{quote(ApiToken._meta.get_field('digest').column)} = %s"
        )
        _readers[db.alias] = (
            sql,
            len(token_names),
            (token_names, token_converters),
            (organisation_names, organisation_converters),
        )
    sql, split, token_shape, organisation_shape = _readers[db.alias]
    with db.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    token = _instance(ApiToken, db, *token_shape, row[:split])
    token.organisation = _instance(Organisation, db, *organisation_shape, row[split:])
    return token


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
