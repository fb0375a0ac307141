"""Forms of port control: a control rule's criteria (lists as text, one entry per line or separated by commas),
an inspection outcome with its laboratory results, the differential-supervision policy and a credit grade."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    institution = forms.ChoiceField(label=_("检测机构"), required=False, choices=())
    test_item = forms.CharField(label=_("检测项目"), max_length=200)
    result = forms.CharField(label=_("检测结果"), max_length=100)
    unit = forms.CharField(label=pgettext_lazy("measure", "单位"), max_length=40, required=False)
    limit = forms.CharField(label=_("限量/标准要求"), max_length=200, required=False)
    # A blank choice first: a row left untouched is not validated (issue 26: every empty row used to be).
    conforms = forms.TypedChoiceField(
        label=_("符合"),
        choices=[("", "—"), ("1", _("符合")), ("0", _("不符合"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )

    def __init__(self, *args, laboratories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", _("本口岸自检")), *laboratories]


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
    """The policy's fields. Its factor tables are edited as small tables (issue 26: they were raw JSON): one
    factor per credit grade; HS prefix and factor rows; non-conformity rate and factor rows. Blank rows are
    ignored, so a browser's post of every row (the spare ones empty) is what the form expects."""

    SPARE_ROWS = 3

    default_grade = forms.ChoiceField(label=_("缺省信用等级"), choices=CreditGrade.choices)
    record_window_days = forms.IntegerField(label=_("质量记录统计天数"), min_value=1, max_value=3650)
    record_min_inspections = forms.IntegerField(label=_("质量记录最少查验数"), min_value=0)
    random_rate = forms.FloatField(label=_("随机布控比例"), min_value=0, max_value=1)
    min_random_rate = forms.FloatField(label=_("最低随机布控比例"), min_value=0, max_value=1)
    random_action = forms.ChoiceField(label=_("随机布控处置"), choices=list(ACTION_LABELS.items()))
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, commodity_rows: int = 0, tier_rows: int = 0, **kwargs):
        kwargs.setdefault("auto_id", "policy_%s")  # the page's credit-grade form has a "reason" too: ids stay unique
        super().__init__(*args, **kwargs)
        for value, label in CreditGrade.choices:
            self.fields[f"grade_{value}"] = forms.FloatField(label=label, min_value=0, max_value=100)
        data = self.data if self.is_bound else {}
        self.commodity_count = max(commodity_rows, _rows(data, "commodity_prefix_")) + self.SPARE_ROWS
        self.tier_count = max(tier_rows, _rows(data, "tier_rate_")) + self.SPARE_ROWS
        for n in range(self.commodity_count):
            self.fields[f"commodity_prefix_{n}"] = forms.RegexField(
                label=_("HS 前缀（第 %(n)s 行）") % {"n": n + 1}, regex=r"^\d{2,10}$", required=False,
                error_messages={"invalid": _("HS 前缀为 2 至 10 位数字。")},
            )  # fmt: skip
            self.fields[f"commodity_factor_{n}"] = forms.FloatField(
                label=_("系数（第 %(n)s 行）") % {"n": n + 1}, min_value=0, max_value=100, required=False
            )
        for n in range(self.tier_count):
            self.fields[f"tier_rate_{n}"] = forms.FloatField(
                label=_("不合格率达到（第 %(n)s 档）") % {"n": n + 1}, min_value=0, max_value=1, required=False
            )
            self.fields[f"tier_factor_{n}"] = forms.FloatField(
                label=_("系数（第 %(n)s 档）") % {"n": n + 1}, min_value=0, max_value=100, required=False
            )

    def grade_rows(self):
        return [(label, self[f"grade_{value}"]) for value, label in CreditGrade.choices]

    def commodity_rows(self):
        return [(self[f"commodity_prefix_{n}"], self[f"commodity_factor_{n}"]) for n in range(self.commodity_count)]

    def tier_rows(self):
        return [(self[f"tier_rate_{n}"], self[f"tier_factor_{n}"]) for n in range(self.tier_count)]

    def clean(self):
        data = super().clean()
        data["grade_factors"] = {value: data.get(f"grade_{value}") for value in CreditGrade.values}
        commodities = {}
        for n in range(self.commodity_count):
            prefix, factor = data.get(f"commodity_prefix_{n}"), data.get(f"commodity_factor_{n}")
            if not prefix and factor is None:
                continue
            if not prefix or factor is None:
                self.add_error(
                    f"commodity_factor_{n}" if prefix else f"commodity_prefix_{n}", _("请同时填写 HS 前缀和系数。")
                )
            elif prefix in commodities:
                self.add_error(f"commodity_prefix_{n}", _("HS 前缀 %s 重复。") % prefix)
            else:
                commodities[prefix] = factor
        data["commodity_factors"] = commodities
        tiers = []
        for n in range(self.tier_count):
            rate, factor = data.get(f"tier_rate_{n}"), data.get(f"tier_factor_{n}")
            if rate is None and factor is None:
                continue
            if rate is None or factor is None:
                self.add_error(
                    f"tier_factor_{n}" if rate is not None else f"tier_rate_{n}", _("请同时填写不合格率和系数。")
                )
            else:
                tiers.append([rate, factor])
        data["record_tiers"] = sorted(tiers)
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}

    @classmethod
    def for_policy(cls, policy) -> "PolicyForm":
        """The form filled with a policy (a version, or the defaults as a dict)."""
        values = {name: (policy[name] if isinstance(policy, dict) else getattr(policy, name)) for name in POLICY_FIELDS}
        initial = {
            name: values[name]
            for name in POLICY_FIELDS
            if name not in ("grade_factors", "commodity_factors", "record_tiers")
        }
        initial |= {f"grade_{grade}": factor for grade, factor in values["grade_factors"].items()}
        for n, (prefix, factor) in enumerate(sorted(values["commodity_factors"].items())):
            initial |= {f"commodity_prefix_{n}": prefix, f"commodity_factor_{n}": factor}
        for n, (rate, factor) in enumerate(values["record_tiers"]):
            initial |= {f"tier_rate_{n}": rate, f"tier_factor_{n}": factor}
        return cls(
            initial=initial, commodity_rows=len(values["commodity_factors"]), tier_rows=len(values["record_tiers"])
        )


def _rows(data, prefix: str) -> int:
    """How many numbered rows a post holds (…_0, …_1, …), so that a post keeps all of them."""
    numbers = [int(key[len(prefix) :]) for key in data if key.startswith(prefix) and key[len(prefix) :].isdigit()]
    return max(numbers) + 1 - PolicyForm.SPARE_ROWS if numbers else 0


class CatalogueForm(forms.Form):
    """One adjustment of the legal-inspection catalogue: an entry added or changed, or removed (decision 0031)."""

    hs_prefix = forms.CharField(label=_("HS 编码（前缀）"), max_length=10, help_text=_("4–10 位数字"))
    name = forms.CharField(label=_("商品名称"), max_length=200, required=False)
    legal_inspection = forms.BooleanField(label=_("法定检验"), required=False, initial=True)
    ccc = forms.BooleanField(label=_("须 CCC 认证"), required=False)
    remove = forms.BooleanField(label=_("从目录中移除"), required=False)
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    basis = forms.ModelChoiceField(label=_("依据的研判"), queryset=None, required=False)

    def __init__(self, *args, bases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].queryset = bases
