"""Forms of the warning pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.assessment.grading import WarningLevel
from riskgate.core.countries import is_valid_code

from .models import WarningKind

BLANK = [("", _("全部"))]
STATE_CHOICES = [("active", _("生效中")), ("adjusted", _("已调整")), ("lifted", _("已解除"))]


class PortalFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=200)
    level = forms.ChoiceField(label=_("预警等级"), choices=BLANK + WarningLevel.choices, required=False)
    kind = forms.ChoiceField(label=_("预警类型"), choices=BLANK + WarningKind.choices, required=False)
    state = forms.ChoiceField(label=_("状态"), choices=BLANK + STATE_CHOICES, required=False)
    category = forms.CharField(label=_("产品类别"), required=False, max_length=100)
    hs_chapter = forms.RegexField(label=_("HS 章/品目"), regex=r"^\d{2,6}$", required=False)
    origin = forms.CharField(label=_("原产国代码"), required=False, max_length=2, min_length=2)
    region = forms.RegexField(label=_("地区代码"), regex=r"^\d{6}$", required=False)
    since = forms.DateField(label=_("发布日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_origin(self):
        code = self.cleaned_data["origin"].upper()
        if code and not is_valid_code(code):
            raise forms.ValidationError(_("未知的国家或地区代码。"))
        return code

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {k: v for k, v in data.items() if v not in ("", None)}
