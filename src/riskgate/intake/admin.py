"""Intake reference data in the admin: the workflow's time limits and the partner agencies' sharing scopes."""

from django.contrib import admin

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import SharingScope, TimeLimit


@admin.register(TimeLimit, site=admin_site)
class TimeLimitAdmin(AuditedAdmin):
    list_display = ["status", "urgency", "hours"]
    list_editable = ["hours"]
    list_filter = ["urgency"]


@admin.register(SharingScope, site=admin_site)
class SharingScopeAdmin(AuditedAdmin):
    list_display = ["organisation", "verified_only", "active", "valid_until"]
    list_filter = ["active", "verified_only"]
    filter_horizontal = ["jurisdictions"]
