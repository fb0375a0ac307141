import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from riskgate.accounts.models import EnterpriseType, Organisation
from riskgate.assessment.forms import RequestForm
from riskgate.assessment.models import LimitKind
from riskgate.core.forms import DatePicker, LocalNameChoiceField
from riskgate.core.models import Region
from riskgate.core.text import local
from riskgate.core.vocabulary import HazardType
from riskgate.credit.models import CreditGrade

from .models import CheckOutcome, DrawKind, MonitoringPlan, PlanScope, SampleStatus, SamplingTask, SignalStatus


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *SignalStatus.choices], initial=SignalStatus.OPEN
    )


class ConfirmForm(forms.Form):
    """Confirming a signal requests an assessment: the request's fields, prefilled from the signal."""

    title = RequestForm.base_fields["title"]
    hazard_type = forms.ChoiceField(label=_("危害类型"), choices=HazardType.choices)
    urgency = RequestForm.base_fields["urgency"]
    assignee_kind = RequestForm.base_fields["assignee_kind"]
    institution = RequestForm.base_fields["institution"]
    group_name = RequestForm.base_fields["group_name"]
    lead = RequestForm.base_fields["lead"]
    members = RequestForm.base_fields["members"]
    question = RequestForm.base_fields["question"]
    reason = forms.CharField(
        label=_("研判意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class DismissForm(forms.Form):
    """Beside the confirmation form, which has a `reason` too: its own element ids."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "dismiss_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label=_("排除理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("如：已知原因（季节性进口高峰、集中抽检）、重复通报、统计口径变化"),
    )


# ---- the monitoring programme ---------------------------------------------------------------------------------------


def split_codes(text: str) -> list[str]:
    """Codes typed as a list: separated by commas, semicolons, the Chinese enumeration comma or spaces."""
    return [part for part in re.split(r"[\s,;，；、]+", text or "") if part]


class CodesField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return " ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        return split_codes(super().clean(value))


class PlanForm(forms.Form):
    title = forms.CharField(label=_("计划名称"), max_length=200)
    title_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    period_start = forms.DateField(label=_("监测期自"), widget=DatePicker())
    period_end = forms.DateField(label=_("监测期至"), widget=DatePicker())
    scope = forms.ChoiceField(label=_("监测范围"), choices=PlanScope.choices)
    organisation = LocalNameChoiceField(label=_("牵头单位"), queryset=Organisation.objects.none())
    countries = CodesField(label=_("重点贸易国家/地区"), help_text=_("ISO 两位代码，以空格或逗号分隔，如 VN TH"))
    hs_codes = CodesField(label=_("重点商品 HS 编码"), help_text=_("2–10 位，以空格或逗号分隔，如 0306 1602"))
    product_categories = forms.CharField(
        label=_("重点产品类别"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("每行一个")
    )
    hazard_types = forms.MultipleChoiceField(
        label=_("危害类型"), choices=HazardType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, leads=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leads is not None:
            self.fields["organisation"].queryset = leads

    def clean_product_categories(self):
        return [line.strip() for line in self.cleaned_data["product_categories"].splitlines() if line.strip()]

    @staticmethod
    def initial_from(plan) -> dict:
        return {
            **{f: getattr(plan, f) for f in ("title", "title_en", "period_start", "period_end", "scope", "countries")},
            "organisation": plan.organisation_id,
            "hs_codes": plan.hs_codes,
            "product_categories": "\n".join(plan.product_categories),
            "hazard_types": plan.hazard_types,
        }


class AdjustPlanForm(PlanForm):
    """The plan's fields and, first, why it changes: one form, one error summary."""

    reason = forms.CharField(
        label=pgettext_lazy("plan", "调整理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    field_order = ["reason"]


class QuotaForm(forms.Form):
    # A blank choice first: the spare rows a browser posts empty are skipped, not validated.
    unit = LocalNameChoiceField(label=_("承担单位"), queryset=Organisation.objects.none(), required=False)
    samples = forms.IntegerField(label=_("抽样配额（批次）"), min_value=1, max_value=100000, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) != bool(data.get("samples")):
            raise ValidationError(_("请同时选择承担单位并填写配额，或两项都留空。"))
        return data


QUOTA_ROWS = 6
QuotaFormSet = forms.formset_factory(QuotaForm, extra=0, max_num=50, validate_max=True)


def quota_formset(data=None, *, units, initial=None):
    """The quota rows: the plan's quotas and spare empty rows (a browser posts them all; empty ones are skipped)."""
    initial = list(initial or [])
    rows = initial + [{}] * (max(QUOTA_ROWS, len(initial) + 2) - len(initial))
    formset = QuotaFormSet(data, prefix="quota", initial=None if data is not None else rows)
    for form in formset:
        form.fields["unit"].queryset = units
    return formset


def quotas_of(formset) -> list:
    return [(f.cleaned_data["unit"], f.cleaned_data["samples"]) for f in formset if f.cleaned_data.get("unit")]


class TaskForm(forms.Form):
    organisation = LocalNameChoiceField(label=_("抽样单位"), queryset=Organisation.objects.none())
    laboratory = LocalNameChoiceField(
        label=_("检测实验室"), queryset=Organisation.objects.none(), help_text=_("只列出已认可且在有效期内的实验室")
    )
    product = forms.CharField(label=_("产品"), max_length=200)
    hs_code = forms.CharField(label=_("HS 编码"), max_length=10, required=False)
    samples = forms.IntegerField(label=_("抽样批次"), min_value=1, max_value=100000)
    test_items = forms.CharField(label=_("检测项目"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    due_on = forms.DateField(label=_("完成期限"), widget=DatePicker())

    def __init__(self, *args, units=None, laboratories=None, **kwargs):
        kwargs.setdefault("auto_id", "task_%s")
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["organisation"].queryset = units
        if laboratories is not None:
            self.fields["laboratory"].queryset = laboratories


class DecisionForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("决定意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} {local(obj, 'title')}"


class ProposalForm(forms.Form):
    plan = PlanChoiceField(label=_("风险监测计划"), queryset=MonitoringPlan.objects.none())
    hs_codes = CodesField(label=_("增列 HS 编码"))
    countries = CodesField(label=_("增列国家/地区"))
    hazard_types = forms.MultipleChoiceField(
        label=_("增列危害类型"), choices=HazardType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("建议理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, plans=None, **kwargs):
        kwargs.setdefault("auto_id", "proposal_%s")
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["plan"].queryset = plans


class SampleForm(forms.Form):
    task = forms.ModelChoiceField(
        label=_("抽样任务"), queryset=SamplingTask.objects.none(), required=False, help_text=_("监测点自行抽样可不选")
    )
    sample_number = forms.CharField(label=_("样品编号"), max_length=60)
    product_name = forms.CharField(label=_("产品名称"), max_length=300)
    hs_code = forms.CharField(label=_("HS 编码"), max_length=10, required=False)
    product_category = forms.CharField(label=_("产品类别"), max_length=200, required=False)
    origin_country = forms.CharField(label=_("原产国/地区"), max_length=2, required=False, help_text=_("ISO 两位代码"))
    enterprise = LocalNameChoiceField(label=_("相关企业"), queryset=Organisation.objects.none(), required=False)
    enterprise_name = forms.CharField(label=_("企业名称（未登记时）"), max_length=200, required=False)
    sampled_on = forms.DateField(label=_("抽样日期"), widget=DatePicker())
    place = forms.CharField(label=_("抽样地点"), max_length=200, required=False)

    def __init__(self, *args, tasks=None, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tasks is not None:
            self.fields["task"].queryset = tasks
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class ResultForm(forms.Form):
    item = forms.CharField(label=_("检测项目"), max_length=200, required=False)
    value = forms.DecimalField(label=_("结果"), max_digits=20, decimal_places=6, required=False)
    unit = forms.CharField(label=pgettext_lazy("measure", "单位"), max_length=30, required=False)
    limit = forms.DecimalField(label=_("限量"), max_digits=20, decimal_places=6, required=False)
    limit_kind = forms.ChoiceField(label=_("限量类型"), choices=LimitKind.choices, initial=LimitKind.MAXIMUM)

    def clean(self):
        data = super().clean()
        filled = [data.get(k) not in (None, "") for k in ("item", "value", "limit")]
        if any(filled) and not all(filled):
            raise ValidationError(_("检测项目、结果和限量都要填写（空行可留空）。"))
        return data


RESULT_ROWS = 5
ResultFormSet = forms.formset_factory(ResultForm, extra=RESULT_ROWS, max_num=50, validate_max=True)


def results_of(formset) -> list[dict]:
    return [f.cleaned_data for f in formset if f.cleaned_data.get("item")]


class DrawForm(forms.Form):
    title = forms.CharField(label=_("抽查名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=DrawKind.choices)
    period_start = forms.DateField(label=_("抽查期自"), widget=DatePicker())
    period_end = forms.DateField(label=_("抽查期至"), widget=DatePicker())
    enterprise_types = forms.MultipleChoiceField(
        label=_("企业类别"), choices=EnterpriseType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    credit_grades = forms.MultipleChoiceField(
        label=_("信用等级"), choices=CreditGrade.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    province = LocalNameChoiceField(label=_("地区（省级）"), queryset=Region.objects.none(), required=False)
    hs_codes = CodesField(label=_("重点商品 HS 编码"), help_text=_("专项抽查必填：抽取曾在这些商品上被抽样的企业"))
    count = forms.IntegerField(label=_("抽取企业数"), min_value=1, max_value=10000)
    per_check = forms.IntegerField(label=_("每户检查人员数"), min_value=1, max_value=10, initial=2)
    seed = forms.CharField(
        label=_("随机种子"),
        max_length=128,
        required=False,
        help_text=_("留空由系统生成；也可填公开来源的随机数（32–128 位十六进制）"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Region.objects.filter(level="province").order_by("code")

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "enterprise_types": data["enterprise_types"],
            "credit_grades": data["credit_grades"],
            "province": data["province"].code if data["province"] else "",
            "hs_codes": data["hs_codes"],
        }


class CheckResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("检查结果"), choices=[("", "—"), *CheckOutcome.choices])
    checked_on = forms.DateField(label=_("检查日期"), widget=DatePicker())
    findings = forms.CharField(label=_("检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExternalCheckForm(forms.Form):
    agency = LocalNameChoiceField(label=_("检查部门"), queryset=Organisation.objects.none())
    enterprise = LocalNameChoiceField(label=_("企业"), queryset=Organisation.objects.none())
    checked_on = forms.DateField(label=_("检查日期"), widget=DatePicker())
    outcome = forms.ChoiceField(label=_("检查结果"), choices=CheckOutcome.choices)
    summary = forms.CharField(label=_("检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=None, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class SampleFilterForm(forms.Form):
    task = forms.ModelChoiceField(label=_("抽样任务"), queryset=SamplingTask.objects.none(), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *SampleStatus.choices])
    passed = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), ("yes", _("合格")), ("no", _("不合格"))]
    )

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tasks is not None:
            self.fields["task"].queryset = tasks
