"""Forms of port control: a control rule's criteria (lists as text, one entry per line or separated by commas),
an inspection outcome with its laboratory results, the differential-supervision policy and a credit grade."""

import json
import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.credit.models import CreditGrade

from .models import ACTION_LABELS, CRITERIA, Direction, Outcome, RuleStatus, TaskKind, TaskStatus
from .services.supervision import POLICY_FIELDS

LIST_FIELDS = ("hs_prefixes", "origin_countries", "enterprise_ids", "ports", "keywords")
_SEPARATORS = re.compile(r"[\n,，;；]+")


def split_list(text: str, *, upper: bool = False) -> list[str]:
    values = [v.strip() for v in _SEPARATORS.split(text or "") if v.strip()]
    return list(dict.fromkeys(v.upper() if upper else v for v in values))


class RuleForm(forms.Form):
    direction = forms.ChoiceField(label=_("进出口方向"), choices=Direction.choices, initial=Direction.IMPORT)
    hs_prefixes = forms.CharField(
        label=_("HS 编码前缀"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("2–10 位数字，多个用逗号或换行分隔。"),
    )
    origin_countries = forms.CharField(label=_("原产国"), required=False, help_text=_("ISO 两字母代码，如 CN, DE。"))
    enterprise_ids = forms.CharField(
        label=_("企业"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("海关注册编码或统一社会信用代码。"),
    )
    ports = forms.CharField(label=_("口岸"), required=False, help_text=_("口岸代码，多个用逗号分隔。"))
    keywords = forms.CharField(
        label=_("关键词"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("商品描述中出现任一关键词即命中（不区分大小写）。"),
    )
    min_value = forms.FloatField(label=_("货值下限"), required=False, min_value=0)
    max_value = forms.FloatField(label=_("货值上限"), required=False, min_value=0)
    valid_from = forms.DateTimeField(
        label=_("生效时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    valid_to = forms.DateTimeField(
        label=_("失效时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    action = forms.ChoiceField(label=_("处置要求"), choices=list(ACTION_LABELS.items()))
    sampling_rate = forms.FloatField(
        label=_("抽样比例"),
        required=False,
        min_value=0,
        max_value=1,
        initial=1.0,
        help_text=_("仅“抽样送检”使用，0–1。"),
    )
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def criteria(self) -> dict:
        """The cleaned form as rule criteria (the services check them against the exchange format)."""
        data = self.cleaned_data
        criteria = {name: split_list(data[name], upper=name == "origin_countries") for name in LIST_FIELDS}
        for name in ("direction", "min_value", "max_value", "valid_from", "valid_to", "action"):
            criteria[name] = data[name]
        criteria["sampling_rate"] = data["sampling_rate"] if data["sampling_rate"] is not None else 1.0
        return criteria

    @classmethod
    def initial_from(cls, rule) -> dict:
        initial = {name: getattr(rule, name) for name in CRITERIA}
        for name in LIST_FIELDS:
            initial[name] = ", ".join(getattr(rule, name))
        return initial


class IssueForm(RuleForm):
    executing = forms.ModelMultipleChoiceField(
        label=_("执行机构"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executing"].queryset = Organisation.objects.visible_to(principal).filter(
            kind__in=[OrganisationKind.PORT, OrganisationKind.INSPECTION_BODY, OrganisationKind.DIRECT_BUREAU]
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RuleFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *RuleStatus.choices])


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *TaskStatus.choices])
    kind = forms.ChoiceField(label=_("来源"), required=False, choices=[("", _("全部")), *TaskKind.choices])


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("查验结果"), choices=Outcome.choices, widget=forms.RadioSelect)
    findings = forms.CharField(
        label=_("查验发现"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class LabResultForm(forms.Form):
    test_item = forms.CharField(label=_("检测项目"), max_length=200)
    result = forms.CharField(label=_("检测结果"), max_length=100)
    unit = forms.CharField(label=_("单位"), max_length=40, required=False)
    limit = forms.CharField(label=_("限量/标准要求"), max_length=200, required=False)
    # A blank choice first: a row left untouched is not validated (issue 26: every empty row used to be).
    conforms = forms.TypedChoiceField(
        label=_("符合"),
        choices=[("", "—"), ("1", _("符合")), ("0", _("不符合"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )


# No row until the officer adds one ("add a test item"); each added row is one line of the table.
LabResultFormSet = forms.formset_factory(LabResultForm, extra=0, max_num=50, validate_max=True)


def with_another_row(data, prefix: str):
    """The posted data with one more (empty) row in the formset `prefix`: the "add a test item" button."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    total = data.get(key, "0")
    data[key] = str(min(int(total) + 1 if total.isdigit() else 1, 50))
    return data


class PolicyForm(forms.Form):
    """The policy's fields; the factor tables are JSON objects, edited as text."""

    grade_factors = forms.CharField(
        label=_("信用等级系数"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy("{} {}", _("JSON，例如"), '{"advanced": 0.2, "regular": 1, "dishonest": 3}'),
    )
    default_grade = forms.ChoiceField(label=_("缺省信用等级"), choices=CreditGrade.choices)
    commodity_factors = forms.CharField(
        label=_("商品系数（HS 前缀）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy("{} {}", _("JSON，优先于质量记录计算的系数，例如"), '{"9503": 2}'),
    )
    record_tiers = forms.CharField(
        label=_("商品质量记录分档"),
        required=False,
        help_text=_("JSON，如 [[0.05, 1.5], [0.15, 2.5]]：不合格率达到该档时的系数"),
    )
    record_window_days = forms.IntegerField(label=_("质量记录统计天数"), min_value=1, max_value=3650)
    record_min_inspections = forms.IntegerField(label=_("质量记录最少查验数"), min_value=0)
    random_rate = forms.FloatField(label=_("随机布控比例"), min_value=0, max_value=1)
    min_random_rate = forms.FloatField(label=_("最低随机布控比例"), min_value=0, max_value=1)
    random_action = forms.ChoiceField(label=_("随机布控处置"), choices=list(ACTION_LABELS.items()))
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    JSON_FIELDS = ("grade_factors", "commodity_factors", "record_tiers")

    def _json(self, name: str, empty):
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return empty
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("不是有效的 JSON：%s") % exc.msg) from None

    def clean_grade_factors(self):
        return self._json("grade_factors", {})

    def clean_commodity_factors(self):
        return self._json("commodity_factors", {})

    def clean_record_tiers(self):
        return self._json("record_tiers", [])

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}

    @classmethod
    def initial_from(cls, policy) -> dict:
        initial = {name: getattr(policy, name) for name in POLICY_FIELDS}
        for name in cls.JSON_FIELDS:
            initial[name] = json.dumps(initial[name], ensure_ascii=False)
        return initial


class GradeForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Organisation.objects.none())
    grade = forms.ChoiceField(label=_("信用等级"), choices=CreditGrade.choices)
    reason = forms.CharField(label=_("理由"), max_length=2000)

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Organisation.objects.visible_to(principal).filter(
            kind=OrganisationKind.ENTERPRISE
        )
