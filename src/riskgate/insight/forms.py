import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReportKind

MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month as the browser's month input sends it (2026-03), held as its first day."""

    input_formats = ["%Y-%m"]
    widget = MONTH
    default_error_messages = {
        "invalid": _("请按“年-月”填写，如 2026-03。"),
        "range": _("请填写 1900 至 2999 年之间的月份。"),
    }

    def to_python(self, value):
        day = super().to_python(value)
        if isinstance(day, dt.date) and not 1900 <= day.year <= 2999:  # 9999-12 would overflow the month after
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return day.replace(day=1) if isinstance(day, dt.date) else day


class PeriodForm(forms.Form):
    since = MonthField(label=_("起始月份"), required=False)
    until = MonthField(label=_("截止月份"), required=False)
    province = forms.ChoiceField(label=_("地区"), required=False)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("全国")), *provinces]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止月份不能早于起始月份。"))
        if since and until and (until.year - since.year) * 12 + until.month - since.month >= 120:
            self.add_error("since", _("一次最多统计十年。"))
        return data


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类别"), choices=[("", "—"), *ReportKind.choices])
    day = forms.DateField(label=_("所在日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          help_text=_("报告覆盖包含此日期的一周、一月、一季或一年。"))  # fmt: skip
