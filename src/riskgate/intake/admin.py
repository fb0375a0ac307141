"""Intake reference data in the admin: the workflow's time limits."""

from django.contrib import admin

from riskgate.accounts.admin import AuditedAdmin, admin_site

from .models import TimeLimit


@admin.register(TimeLimit, site=admin_site)
class TimeLimitAdmin(AuditedAdmin):
    list_display = ["status", "urgency", "hours"]
    list_editable = ["hours"]
    list_filter = ["urgency"]
