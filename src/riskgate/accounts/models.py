"""Organisations (hierarchy and jurisdiction), roles as data, users, login failures and API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core.crypto import EncryptedTextField
from riskgate.core.models import Created, Region, Scoped, TimeStamped
from riskgate.core.permissions import Permission
from riskgate.core.scoping import ScopedQuerySet, ScopeMode
from riskgate.core.validators import validate_customs_code, validate_uscc


class OrganisationKind(models.TextChoices):
    NATIONAL_AUTHORITY = "national_authority", _("总局")
    WARNING_OFFICE = "warning_office", _("预警办公室")
    DIRECT_BUREAU = "direct_bureau", _("直属海关")
    INSPECTION_BODY = "inspection_body", _("隶属海关（检验检疫机构）")
    PORT = "port", _("口岸")
    TECHNICAL_INSTITUTION = "technical_institution", _("风险评估技术机构")
    MONITORING_POINT = "monitoring_point", _("风险监测点")
    LABORATORY = "laboratory", _("实验室 / 第三方检测机构")
    PARTNER_AGENCY = "partner_agency", _("协作部门")
    ENTERPRISE = "enterprise", _("企业")


class AgencyType(models.TextChoices):
    MARKET_REGULATION = "market_regulation", _("市场监管")
    AGRICULTURE = "agriculture", _("农业农村")
    HEALTH = "health", _("卫生健康")
    POLICE = "police", _("公安")
    PROCURATORATE = "procuratorate", _("检察院")
    COURT = "court", _("法院")
    COMMERCE = "commerce", _("商务")
    ECOLOGY_ENVIRONMENT = "ecology_environment", _("生态环境")
    TRANSPORT = "transport", _("交通运输")
    CREDIT_PLATFORM = "credit_platform", _("信用平台")
    TAX = "tax", _("税务")


class EnterpriseType(models.TextChoices):
    PRODUCER = "producer", _("生产企业")
    IMPORTER = "importer", _("进口商")
    EXPORTER = "exporter", _("出口商")
    SELLER = "seller", _("销售者")


K = OrganisationKind
# Which kinds of organisation may be the parent of each kind (None: may stand at the top).
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    K.NATIONAL_AUTHORITY: {None},
    K.WARNING_OFFICE: {K.NATIONAL_AUTHORITY},
    K.DIRECT_BUREAU: {K.WARNING_OFFICE, K.NATIONAL_AUTHORITY},
    K.INSPECTION_BODY: {K.DIRECT_BUREAU},
    K.PORT: {K.DIRECT_BUREAU, K.INSPECTION_BODY},
    K.TECHNICAL_INSTITUTION: {None, K.NATIONAL_AUTHORITY, K.DIRECT_BUREAU},
    K.MONITORING_POINT: {None, K.DIRECT_BUREAU, K.INSPECTION_BODY},
    K.LABORATORY: {None, K.DIRECT_BUREAU, K.INSPECTION_BODY},
    K.PARTNER_AGENCY: {None},
    # An enterprise hangs under the customs body that supervises it, so that body's jurisdiction covers it.
    K.ENTERPRISE: {None, K.DIRECT_BUREAU, K.INSPECTION_BODY, K.PORT},
}


class Organisation(TimeStamped):
    """An organisation; `path` ("/1/4/9/") makes a jurisdiction subtree one prefix query."""

    kind = models.CharField(_("类型"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    code = models.SlugField(_("机构代码"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("层级路径"), max_length=255, db_index=True, editable=False, default="")
    region = models.ForeignKey(
        Region, verbose_name=_("所在地区（辖区）"), null=True, blank=True, on_delete=models.PROTECT
    )
    agency_type = models.CharField(_("协作部门类别"), max_length=32, choices=AgencyType.choices, blank=True)
    enterprise_types = models.JSONField(_("企业类别"), default=list, blank=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    customs_code = models.CharField(
        _("海关注册编码"), max_length=10, unique=True, null=True, blank=True, validators=[validate_customs_code]
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_organisation_field = ""

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="enterprise") | models.Q(uscc__isnull=False),
                name="enterprise_has_uscc",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="partner_agency") | ~models.Q(agency_type=""),
                name="partner_agency_has_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            if self.pk is None:
                super().save(*args, **kwargs)
                kwargs = {}
            new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
            self.path = new_path
            super().save(*args, **kwargs)
            if old_path and old_path != new_path:
                # Moved: every descendant's path gets the new prefix, in one statement.
                Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField())
                )

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:organisation_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, list] = {}
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind in ALLOWED_PARENTS and parent_kind not in ALLOWED_PARENTS[self.kind]:
            errors.setdefault("parent", []).append(
                _("%(kind)s 不能隶属于 %(parent)s。")
                % {
                    "kind": self.get_kind_display(),
                    "parent": OrganisationKind(parent_kind).label if parent_kind else _("（无上级）"),
                }
            )
        if self.pk and self.parent_id and self.parent.path.startswith(self.path):
            errors.setdefault("parent", []).append(_("上级机构不能是本机构或其下级机构。"))
        if self.kind == K.ENTERPRISE and not self.uscc:
            errors.setdefault("uscc", []).append(_("企业必须填写统一社会信用代码。"))
        if self.kind != K.ENTERPRISE and (self.customs_code or self.enterprise_types):
            errors.setdefault("customs_code", []).append(_("只有企业才有海关注册编码和企业类别。"))
        if self.kind == K.PARTNER_AGENCY and not self.agency_type:
            errors.setdefault("agency_type", []).append(_("协作部门必须选择部门类别。"))
        if self.kind != K.PARTNER_AGENCY and self.agency_type:
            errors.setdefault("agency_type", []).append(_("只有协作部门才有部门类别。"))
        bad_types = set(self.enterprise_types or []) - set(EnterpriseType.values)
        if bad_types:
            errors.setdefault("enterprise_types", []).append(_("未知的企业类别：%s") % ", ".join(sorted(bad_types)))
        if errors:
            raise ValidationError(errors)

    def is_within(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)


class Role(models.Model):
    """A role: its permissions and its jurisdiction mode are data an administrator can change."""

    code = models.SlugField(_("角色代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    description = models.TextField(_("说明"), blank=True)
    permissions = models.JSONField(_("权限"), default=list, blank=True)
    scope_mode = models.CharField(_("数据范围"), max_length=20, choices=ScopeMode.choices, default=ScopeMode.SUBTREE)
    require_totp = models.BooleanField(_("强制双因素认证"), default=False)
    allowed_organisation_kinds = models.JSONField(_("适用的机构类型"), default=list, blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.permissions or []) - {p.value for p in Permission}
        if unknown:
            raise ValidationError({"permissions": _("未知的权限：%s") % ", ".join(sorted(unknown))})
        bad_kinds = set(self.allowed_organisation_kinds or []) - set(OrganisationKind.values)
        if bad_kinds:
            raise ValidationError(
                {"allowed_organisation_kinds": _("未知的机构类型：%s") % ", ".join(sorted(bad_kinds))}
            )


class UserManager(DjangoUserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in; acts for one organisation in one role."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.ForeignKey(Role, verbose_name=_("角色"), null=True, blank=True, on_delete=models.PROTECT)
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    totp_secret = EncryptedTextField(_("动态口令密钥"), blank=True, default="")
    totp_confirmed_at = models.DateTimeField(_("动态口令启用时间"), null=True, blank=True)

    objects = UserManager()
    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role_id and self.organisation_id:
            kinds = self.role.allowed_organisation_kinds
            if kinds and self.organisation.kind not in kinds:
                raise ValidationError({"role": _("该角色不适用于这类机构。")})

    # The principal protocol shared with API tokens (core.scoping, core.audit).
    @property
    def scope_mode(self) -> str:
        if self.is_superuser:
            return ScopeMode.ALL
        return self.role.scope_mode if self.role_id else ScopeMode.OWN_ORGANISATION

    @property
    def permission_codes(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        if self.is_superuser:
            return frozenset(p.value for p in Permission)
        cached = getattr(self, "_permission_codes", None)
        if cached is None:
            cached = frozenset(self.role.permissions) if self.role_id else frozenset()
            self._permission_codes = cached
        return cached

    def has_permission(self, permission: Permission | str) -> bool:
        return str(permission) in self.permission_codes

    @property
    def totp_enabled(self) -> bool:
        return bool(self.totp_confirmed_at and self.totp_secret)

    @property
    def totp_required(self) -> bool:
        return bool(self.role_id and self.role.require_totp)


class LoginFailure(models.Model):
    """One failed sign-in; recent rows decide account lockout and per-address throttling."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} {self.ip or ''} {self.at:%Y-%m-%d %H:%M}"


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(Created, Scoped):
    """A revocable token of a system-to-system client; only its SHA-256 digest is stored."""

    name = models.CharField(_("名称"), max_length=100)
    organisation = models.ForeignKey(Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT)
    permissions = models.JSONField(_("权限"), default=list)
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(User, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    account = models.OneToOneField(
        User,
        verbose_name=_("记录账户"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("令牌写入的记录以此账户署名；该账户不能登录。"),
    )

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class TokenPrincipal:
    """The principal of an API request made with a token: the token's organisation and permissions."""

    is_api_token = True
    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    scope_mode = ScopeMode.SUBTREE

    def __init__(self, token: ApiToken):
        self.token = token
        self.organisation = token.organisation
        self.organisation_id = token.organisation_id
        self.permission_codes = frozenset(token.permissions)
        self.audit_repr = f"token:{token.prefix} ({token.name})"

    def has_permission(self, permission: Permission | str) -> bool:
        return str(permission) in self.permission_codes

    def get_username(self) -> str:
        return self.audit_repr

    def account(self) -> User:
        """The account the token's writes are recorded under (who completed a task, reported progress...): one
        per token, inactive and without a usable password, so it never signs in."""
        with transaction.atomic():
            token = ApiToken.objects.select_for_update().get(pk=self.token.pk)
            if token.account_id is None:
                user = User(
                    username=f"token-{token.prefix}",
                    full_name=f"接口令牌 {token.name}"[:100],
                    organisation_id=token.organisation_id,
                    is_active=False,
                )
                user.set_unusable_password()
                user.save()
                token.account = user
                token.save(update_fields=["account"])
        self.token.account_id = token.account_id
        return token.account
