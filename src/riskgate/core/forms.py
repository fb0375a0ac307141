"""Forms of the core pages."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
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


PLAIN_WIDGETS = {forms.TextInput, forms.DateInput, forms.NumberInput, forms.EmailInput, forms.Select}


def _plain_widget(widget: dict) -> SafeString:
    attrs = {k: v for k, v in widget["attrs"].items() if v is not False}
    if widget.get("optgroups") is not None:  # a single select
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (o["value"], mark_safe(" selected") if o["selected"] else "", o["label"])  # noqa: S308 - a constant
                for _group, group, _index in widget["optgroups"]
                for o in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(attrs), options)
    value = format_html(' value="{}"', widget["value"]) if widget["value"] not in (None, "") else ""
    return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, flatatt(attrs))


def plain_fields(form) -> SafeString:
    """A form of text, date and single-select fields as `as_div` renders it (labels, values, errors and their
    aria attributes), built in Python: Django renders every widget through its own template, which made the
    filter form cost as much as the 20 results under it on the portal's search page (bench/portal)."""
    parts = [format_html('<ul class="errorlist nonfield">{}</ul>', format_html_join("", "<li>{}</li>", (
        (e,) for e in form.non_field_errors())))] if form.non_field_errors() else []  # fmt: skip
    for field in form:
        widget = field.field.widget
        if type(widget) not in PLAIN_WIDGETS:
            raise TypeError(f"plain_fields renders text, date and single-select fields, not {type(widget).__name__}")
        attrs = field.build_widget_attrs({})
        attrs.setdefault("id", field.auto_id)  # after the aria attributes, as BoundField.as_widget adds it
        context = widget.get_context(field.html_name, field.value(), attrs)
        errors = field.errors
        parts.append(
            format_html(
                '<div><label for="{}">{}:</label>{}{}</div>',
                field.auto_id,
                field.label,
                format_html(
                    '<ul class="errorlist" id="{}_error">{}</ul>',
                    field.auto_id,
                    format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
                )
                if errors
                else "",  # fmt: skip
                _plain_widget(context["widget"]),
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every part is built by format_html
