"""Forms of the core pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("操作"), required=False, max_length=64)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object_id = forms.CharField(label=_("对象标识"), required=False, max_length=64)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data


def add_service_errors(form, exc) -> None:
    """Show a service's ValidationError on the form: each message at its field, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class CountryCodeField(forms.CharField):
    """An ISO 3166 alpha-2 code (or one of the notifying systems' extra codes), upper-cased."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        super().__init__(**kwargs)

    def clean(self, value):
        from .countries import is_valid_code

        code = (super().clean(value) or "").upper()
        if code and not is_valid_code(code):
            raise forms.ValidationError(_("未知的国家或地区代码。"))
        return code
