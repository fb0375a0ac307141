"""Forms of the core pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .countries import is_valid_code
from .text import local


class DatePicker(forms.DateInput):
    """The browser's date picker. It reads and writes ISO dates only: Django's localised format (2026/01/05 in
    Chinese) would leave a prefilled or redisplayed date empty, and post it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LocalNameChoiceField(forms.ModelChoiceField):
    """A choice of organisations (or anything with `name` and `name_en`) named in the page's language."""

    def label_from_instance(self, obj):
        return local(obj)


class LocalNamesChoiceField(forms.ModelMultipleChoiceField):
    """Several choices of organisations, named in the page's language."""

    def label_from_instance(self, obj):
        return local(obj)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("操作"), required=False, max_length=64)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object_id = forms.CharField(label=_("对象标识"), required=False, max_length=64)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DatePicker())
    until = forms.DateField(label=_("截止日期"), required=False, widget=DatePicker())

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data


def saved(request, form, write, message) -> bool:
    """Run a service write (`write(cleaned_data)`) for a valid form and say `message`; on the service's refusal put
    its messages on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, message)
    return True


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

        code = (super().clean(value) or "").upper()
        if code and not is_valid_code(code):
            raise forms.ValidationError(_("未知的国家或地区代码。"))
        return code


PLAIN_WIDGETS = {forms.TextInput, forms.DateInput, DatePicker, forms.NumberInput, forms.EmailInput, forms.Select}


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


def _plain_field(field) -> SafeString:
    widget = field.field.widget
    if type(widget) not in PLAIN_WIDGETS:
        raise TypeError(f"plain_fields renders text, date and single-select fields, not {type(widget).__name__}")
    attrs = field.build_widget_attrs({})
    attrs.setdefault("id", field.auto_id)  # after the aria attributes, as BoundField.as_widget adds it
    context = widget.get_context(field.html_name, field.value(), attrs)
    errors = field.errors
    return format_html(
        '<div><label for="{}">{}:</label>{}{}</div>',
        field.auto_id,
        field.label,
        format_html(
            '<ul class="errorlist" id="{}_error">{}</ul>',
            field.auto_id,
            format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
        )
        if errors
        else "",
        _plain_widget(context["widget"]),
    )


class _SharedFields(dict):
    """A form class's fields, handed to each instance as they are: Django deep-copies a form's fields for every
    instance so that an instance may change its own, which a form of `fixed_fields` never does."""

    def __deepcopy__(self, memo):
        return dict(self)


def fixed_fields(form_class):
    """Declare that a form never changes its fields, widgets or choices per instance (nothing set in __init__):
    its instances share the class's fields instead of copying them (a tenth of the portal's search), and
    plain_fields keeps their markup (`plain_fields_memo`)."""
    form_class.base_fields = _SharedFields(form_class.base_fields)
    form_class.plain_fields_memo = True
    return form_class


FIELD_MEMO = 4096  # rendered fields kept for forms that ask for it (their fields' markup is fixed per class)
_field_memo: dict[tuple, SafeString] = {}


def _memo_key(form, field) -> tuple:
    """What a field's markup depends on, for a form whose fields are the same for every instance of its class
    (`fixed_fields`: no choices or attributes set per instance): the class, prefix and id format,
    the field, the language (labels and choices are translated), the bound value and the errors."""
    from django.utils import translation

    value = field.value()
    if not isinstance(value, str | int | type(None)):
        value = repr(value)
    return (
        type(form),
        form.prefix,
        form.auto_id,
        field.name,
        translation.get_language(),
        form.is_bound,
        value,
        tuple(str(e) for e in field.errors),
    )


def plain_fields(form) -> SafeString:
    """A form of text, date and single-select fields as `as_div` renders it (labels, values, errors and their
    aria attributes), built in Python: Django renders every widget through its own template, which made the
    filter form cost as much as the 20 results under it on the portal's search page (bench/portal). A form
    class declared with `fixed_fields` has each field's markup kept (FIELD_MEMO entries) by what it
    depends on (`_memo_key`): the portal's search form is mostly the same few values."""
    parts = (
        [
            format_html(
                '<ul class="errorlist nonfield">{}</ul>',
                format_html_join("", "<li>{}</li>", ((e,) for e in form.non_field_errors())),
            )
        ]
        if form.non_field_errors()
        else []
    )
    memo = getattr(form, "plain_fields_memo", False)
    for field in form:
        if not memo:
            parts.append(_plain_field(field))
            continue
        key = _memo_key(form, field)
        html = _field_memo.get(key)
        if html is None:
            html = _plain_field(field)
            if len(_field_memo) >= FIELD_MEMO:
                _field_memo.clear()
            _field_memo[key] = html
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - every part is built by format_html
