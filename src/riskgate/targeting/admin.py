"""Port-control reference data in the admin: which organisation works each port code (every change audited)."""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import PortOffice
from .services import bump


@admin.register(PortOffice, site=admin_site)
class PortOfficeAdmin(AuditedAdmin):
    list_display = ["code", "organisation"]
    search_fields = ["code", "organisation__name"]

    # Workers read the port offices with the rules: a change here moves the rule-set version so that they read
    # them again (explicitly, not through a signal: docs/decisions/0001).
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            bump(timezone.now())

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            bump(timezone.now())
