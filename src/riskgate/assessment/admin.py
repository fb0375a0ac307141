"""Assessment reference data in the admin: registries (institutions, laboratories, social bodies, experts), the
default time limits and the grading policy versions. Assessments themselves are changed only through the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from riskgate.core.admin import AuditedAdmin, admin_site

from .models import DueDateRule, Expert, ExpertiseField, GradingPolicy, RegisteredBody


class FieldsForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        label=_("专业领域"), choices=ExpertiseField.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


@admin.register(RegisteredBody, site=admin_site)
class RegisteredBodyAdmin(AuditedAdmin):
    form = FieldsForm
    list_display = ["organisation", "kind", "accreditation", "third_party", "accepted", "valid_until"]
    list_filter = ["kind", "accepted", "third_party"]


@admin.register(Expert, site=admin_site)
class ExpertAdmin(AuditedAdmin):
    form = FieldsForm
    list_display = ["name", "title", "organisation", "employer", "active"]
    list_filter = ["active"]
    search_fields = ["name", "employer"]


@admin.register(DueDateRule, site=admin_site)
class DueDateRuleAdmin(AuditedAdmin):
    list_display = ["urgency", "hazard_type", "hours", "remind_hours"]
    list_editable = ["hours", "remind_hours"]


@admin.register(GradingPolicy, site=admin_site)
class GradingPolicyAdmin(AuditedAdmin):
    list_display = ["version", "active", "created_at"]
    list_filter = ["active"]

    def has_delete_permission(self, request, obj=None):
        return False  # a version that graded an assessment stays readable; deactivate it instead
