"""The admin site for reference data and the audited admin base every app registers its models with.

Access is decided by our permissions (not Django's model permissions) and every save or delete made
here writes an audit event in the same transaction.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import audit
from .permissions import Permission


class RiskGateAdminSite(admin.AdminSite):
    site_header = _("RiskGate 基础数据管理")
    site_title = _("RiskGate 管理")
    index_title = _("基础数据")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.has_permission(Permission.REF_DATA_MANAGE)

    def login(self, request, extra_context=None):
        """One sign-in path only (ours: throttling, second factor, audit); signed-in users lacking access get 403."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(self.index_url())
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", self.index_url()), login_url=reverse("accounts:login"))

    def index_url(self):
        return reverse("admin:index", current_app=self.name)


admin_site = RiskGateAdminSite(name="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Permission checks by our permission codes; audit of every change made through the admin."""

    permission = Permission.REF_DATA_MANAGE
    audit_fields: list[str] = []

    def _allowed(self, request):
        return request.user.is_active and request.user.has_permission(self.permission)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset

    def _fields(self, obj):
        return self.audit_fields or [
            f.name for f in obj._meta.concrete_fields if f.name not in ("password", "totp_secret")
        ]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = {}
            if change:
                before = audit.snapshot(type(obj).objects.get(pk=obj.pk), self._fields(obj))
            super().save_model(request, obj, form, change)
            after = audit.snapshot(obj, self._fields(obj))
            audit.record(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'changed' if change else 'created'}",
                obj=obj,
                changes=audit.diff(before, after),
                reason="admin",
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(actor=request.user, action=f"{obj._meta.model_name}.deleted", obj=obj, reason="admin")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
