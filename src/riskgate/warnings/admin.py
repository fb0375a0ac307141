"""Warning reference data in the admin: who may issue which kind and level (authority rules), publication limits."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import OrganisationKind
from riskgate.core.admin import AuditedAdmin, admin_site

from .models import AuthorityRule, PublicationLimit, WarningKind


class AuthorityRuleForm(forms.ModelForm):
    organisation_kind = forms.ChoiceField(label=_("机构类型"), choices=OrganisationKind.choices)
    kinds = forms.MultipleChoiceField(
        label=_("可发布的预警类型"), choices=WarningKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AuthorityRule
        fields = ["organisation_kind", "kinds", "highest_level", "own_region_only", "active"]


@admin.register(AuthorityRule, site=admin_site)
class AuthorityRuleAdmin(AuditedAdmin):
    form = AuthorityRuleForm
    list_display = ["organisation_kind", "highest_level", "own_region_only", "active"]
    list_filter = ["active"]


@admin.register(PublicationLimit, site=admin_site)
class PublicationLimitAdmin(AuditedAdmin):
    list_display = ["level", "hours", "answer_hours"]
    list_editable = ["hours", "answer_hours"]
