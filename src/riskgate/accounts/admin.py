"""The admin site for reference data, organisations, users and the role→permission table.

Access is decided by our permissions (not Django's model permissions) and every save or delete made
here writes an audit event in the same transaction.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from riskgate.core import audit
from riskgate.core.admin import AuditedAdmin, admin_site
from riskgate.core.models import Region
from riskgate.core.permissions import PERMISSION_CHOICES, Permission
from riskgate.core.scoping import ScopeMode

from .models import ApiToken, Organisation, OrganisationKind, Role, User

# ----- granting: nobody gives more than they hold -------------------------------------------------------------

# Jurisdiction modes, narrowest first: a role may be granted or edited only up to the actor's own breadth.
_BREADTH = [ScopeMode.ASSIGNED, ScopeMode.OWN_ORGANISATION, ScopeMode.SUBTREE, ScopeMode.ALL]


def grant_errors(actor, *, permissions=None, scope_mode=None, organisation=None) -> dict[str, str]:
    """Why the actor may not grant these permissions, this jurisdiction mode or a place in this organisation
    (empty: allowed). A superuser may grant anything; everyone else only what they hold themselves, within the
    organisations they see. Without this, holding org:user:manage would be holding every permission."""
    if actor.is_superuser:
        return {}
    errors = {}
    missing = sorted(set(permissions or ()) - set(actor.permission_codes))
    if missing:
        errors["permissions"] = gettext("不能授予本人没有的权限：%s") % ", ".join(missing)
    if scope_mode and _BREADTH.index(ScopeMode(scope_mode)) > _BREADTH.index(ScopeMode(actor.scope_mode)):
        errors["scope_mode"] = gettext("不能授予比本人更宽的数据范围。")
    if organisation is not None and not Organisation.objects.visible_to(actor).filter(pk=organisation.pk).exists():
        errors["organisation"] = gettext("只能把用户设在本人辖区内的机构。")
    return errors


def _checked(form_class, actor, check):
    """The admin's form with the grant check run in its clean()."""

    class Checked(form_class):
        def clean(self):
            cleaned = super().clean()
            for name, message in check(actor, self, cleaned).items():
                self.add_error(name if name in self.fields else None, message)
            return cleaned

    return Checked


def _check_user(actor, form, cleaned) -> dict[str, str]:
    role, target = cleaned.get("role"), form.instance
    if target.pk and target.pk == actor.pk and "role" in form.changed_data:
        return {"role": gettext("不能修改本人的角色。")}
    errors = grant_errors(
        actor,
        permissions=role.permissions if role else None,
        scope_mode=role.scope_mode if role else None,
        organisation=cleaned.get("organisation"),
    )
    if "permissions" in errors or "scope_mode" in errors:
        errors["role"] = " ".join(errors.pop(k) for k in ("permissions", "scope_mode") if k in errors)
    return errors


def _check_role(actor, form, cleaned) -> dict[str, str]:
    added = set(cleaned.get("permissions") or ()) - set(form.instance.permissions or () if form.instance.pk else ())
    scope_mode = cleaned.get("scope_mode") if "scope_mode" in form.changed_data else None
    return grant_errors(actor, permissions=added, scope_mode=scope_mode)


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(
        label=_("权限"), choices=PERMISSION_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    allowed_organisation_kinds = forms.MultipleChoiceField(
        label=_("适用的机构类型"), choices=OrganisationKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Role
        fields = [
            "code",
            "name",
            "name_en",
            "description",
            "scope_mode",
            "require_totp",
            "permissions",
            "allowed_organisation_kinds",
        ]


@admin.register(Role, site=admin_site)
class RoleAdmin(AuditedAdmin):
    permission = Permission.ORG_ROLE_MANAGE
    form = RoleForm
    list_display = ["code", "name", "scope_mode", "require_totp"]

    def get_form(self, request, obj=None, **kwargs):
        return _checked(super().get_form(request, obj, **kwargs), request.user, _check_role)


@admin.register(Region, site=admin_site)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(AuditedAdmin):
    permission = Permission.ORG_ORGANISATION_MANAGE
    list_display = ["name", "kind", "code", "region", "uscc", "is_active"]
    list_filter = ["kind", "agency_type", "is_active"]
    search_fields = ["name", "name_en", "code", "uscc", "customs_code"]
    raw_id_fields = ["parent", "region"]
    readonly_fields = ["path"]


@admin.register(User, site=admin_site)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    permission = Permission.ORG_USER_MANAGE
    audit_fields = ["username", "full_name", "email", "phone", "organisation", "role", "is_active", "is_superuser"]
    list_display = ["username", "full_name", "organisation", "role", "is_active", "totp_confirmed_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "email"]
    raw_id_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "email", "phone"]}),
        (_("机构与角色"), {"fields": ["organisation", "role", "is_active"]}),
        (_("双因素认证"), {"fields": ["totp_confirmed_at"]}),
    ]
    add_fieldsets = [(None, {"fields": ["username", "organisation", "role", "password1", "password2"]})]
    readonly_fields = ["totp_confirmed_at"]
    filter_horizontal = []

    def get_form(self, request, obj=None, **kwargs):
        return _checked(super().get_form(request, obj, **kwargs), request.user, _check_user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit.record(actor=request.user, action="user.password_set", obj=user, reason="admin")
        return response


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(AuditedAdmin):
    """Read-only here: tokens are issued and revoked on the token pages, where the secret is shown once."""

    permission = Permission.API_TOKEN_MANAGE
    list_display = ["name", "prefix", "organisation", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
