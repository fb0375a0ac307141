"""Forms of the assessment pages; each only parses and checks input, the services decide and store."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation
from riskgate.core.forms import DatePicker, LocalNameChoiceField
from riskgate.core.templatetags.riskgate import local_name, punct
from riskgate.core.vocabulary import HazardType, Urgency, WarningLevel

from . import queries
from .models import (
    REPORT_FIELDS,
    AppraisalResult,
    Assessment,
    AssigneeKind,
    BodyKind,
    CourseKind,
    Expert,
    ExpertiseField,
    FindingKind,
    LimitKind,
    Status,
    ViolationConsequence,
)
from .risk import Severity, VulnerableGroup


class _PersonLabel:
    """A person shown with the organisation they work for."""

    def label_from_instance(self, obj):
        place = local_name(obj.organisation) if obj.organisation_id else "—"
        return f"{obj.full_name or obj.username}{punct('（')}{place}{punct('）')}"


class UserChoiceField(_PersonLabel, forms.ModelChoiceField):
    pass


class UsersChoiceField(_PersonLabel, forms.ModelMultipleChoiceField):
    pass


class RequestForm(forms.Form):
    title = forms.CharField(label=_("研判事项"), max_length=500)
    information = forms.CharField(
        label=_("风险信息编号"), help_text=_("一条或多条，如 RI00000012, RI00000015（须已核实）"), max_length=2000
    )
    question = forms.CharField(label=_("研判要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    hazard_type = forms.ChoiceField(label=_("危害类型"), choices=HazardType.choices)
    assignee_kind = forms.ChoiceField(label=_("承担方式"), choices=AssigneeKind.choices, widget=forms.RadioSelect)
    institution = LocalNameChoiceField(
        label=_("技术机构"),
        queryset=queries.institutions(),
        required=False,
    )
    group_name = forms.CharField(label=_("工作组名称"), max_length=200, required=False)
    lead = UserChoiceField(label=_("牵头评估人"), queryset=queries.leads())
    members = UsersChoiceField(
        label=_("工作组成员"),
        queryset=queries.members(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_information(self):
        ids = sorted({int(n) for n in re.findall(r"\d+", self.cleaned_data["information"])})
        if not ids:
            raise ValidationError(_("请填写风险信息编号。"))
        return ids


class ExtensionForm(forms.Form):
    new_due_at = forms.DateTimeField(label=_("申请延至"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("不能按期完成的原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("决定"), choices=[("1", _("准予延期")), ("0", _("不准延期"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeclarationForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("专家"), queryset=Expert.objects.filter(active=True))
    has_conflict = forms.TypedChoiceField(
        label=_("利益冲突"),
        choices=[("0", _("无利益冲突")), ("1", _("存在利益冲突"))],
        coerce=lambda v: v == "1",
    )
    details = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SeatForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("专家"), queryset=queries.offered_experts())
    chair = forms.BooleanField(label=_("任组长"), required=False)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=FindingKind.choices)
    summary = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(label=_("日期"), required=False, widget=DatePicker())
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    file = forms.FileField(
        label=_("附件"), required=False, help_text=_("照片、扫描件（JPEG、PNG、WEBP、PDF）或 MP4 视频")
    )


class LabTaskForm(forms.Form):
    laboratory = LocalNameChoiceField(
        label=_("实验室"), queryset=Organisation.objects.filter(assessment_body__kind=BodyKind.VERIFICATION_LABORATORY)
    )
    samples = forms.CharField(label=_("样品"), widget=forms.Textarea(attrs={"rows": 2}))
    hs_code = forms.CharField(
        label=_("样品的 HS 编码"),
        max_length=10,
        required=False,
        help_text=_("第三方实验室须在其采信范围内检测；不填则取风险信息的 HS 编码"),
    )
    test_items = forms.CharField(
        label=_("检测项目"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("多个项目以逗号、顿号或换行分隔")
    )
    method = forms.CharField(label=_("检测方法/标准"), max_length=300)


class LabResultForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    report_number = forms.CharField(label=_("检测报告编号"), max_length=100)
    report_file = forms.FileField(label=_("检测报告文件"), required=False)
    results = forms.CharField(
        label=_("检测结果"),
        help_text=_("每行一项：项目, 结果, 单位, 限量[, max|min]（max 表示不得高于，为默认）"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_results(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["results"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in re.split(r"[,，]", line)]
            if len(parts) not in (4, 5):
                raise ValidationError(_("第 %d 行应为：项目, 结果, 单位, 限量[, max|min]") % number)
            try:
                value, limit = Decimal(parts[1]), Decimal(parts[3])
            except InvalidOperation as exc:
                raise ValidationError(_("第 %d 行的结果或限量不是数字。") % number) from exc
            kind = parts[4].lower() if len(parts) == 5 else LimitKind.MAXIMUM
            if kind not in LimitKind.values:
                raise ValidationError(_("第 %d 行的限量类型应为 max 或 min。") % number)
            rows.append({"item": parts[0], "value": value, "unit": parts[2], "limit": limit, "limit_kind": kind})
        if not rows:
            raise ValidationError(_("请至少录入一项检测结果。"))
        return rows


class ScenarioForm(forms.Form):
    description = forms.CharField(label=_("情景描述"), widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.TypedChoiceField(label=_("伤害严重程度"), choices=Severity.choices, coerce=int)
    vulnerable_group = forms.ChoiceField(label=_("消费者群体"), choices=VulnerableGroup.choices)
    steps = forms.CharField(
        label=_("步骤"),
        help_text=_("每行一步：描述 | 概率（如 1/50 或 0.02）"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_steps(self):
        steps = []
        for number, line in enumerate(self.cleaned_data["steps"].splitlines(), start=1):
            if not line.strip():
                continue
            description, sep, probability = line.rpartition("|")
            if not sep:
                raise ValidationError(_("第 %d 行应为：描述 | 概率") % number)
            steps.append({"description": description.strip(), "probability": probability.strip()})
        if not steps:
            raise ValidationError(_("伤害情景至少需要一个步骤。"))
        return steps


class ReportForm(forms.ModelForm):
    override_level = forms.ChoiceField(
        label=_("调整建议等级（可选）"), choices=[("", "—"), *WarningLevel.choices], required=False
    )
    override_reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    class Meta:
        model = Assessment
        fields = REPORT_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "method_note",
                "findings",
                "hazard",
                "scope_note",
                "residual_risk",
                "recommended_measures",
                "uncertainty",
                "sensitivity",
            )
        }


class VoteForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("表态"), choices=[("1", _("同意")), ("0", _("不同意（保留意见）"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), choices=[("confirm", _("确认")), ("amend", _("修改等级后确认")), ("return", _("退回"))]
    )
    level = forms.ChoiceField(
        label=_("确认的预警等级（修改时）"), choices=[("", "—"), *WarningLevel.choices], required=False
    )
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    meeting_on = forms.DateField(label=_("专家会商日期"), required=False, widget=DatePicker())
    meeting_attendees = forms.CharField(label=_("会商出席人员"), required=False, max_length=2000)
    meeting_conclusion = forms.CharField(label=_("会商结论"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReassessForm(forms.Form):
    reason = forms.CharField(label=_("重新研判的原因"), widget=forms.Textarea(attrs={"rows": 2}))


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *Status.choices], required=False)
    overdue = forms.BooleanField(label=_("仅超期"), required=False)


# -- training and appraisal (Art.28) --------------------------------------------------------------------------------


class CourseForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=CourseKind.choices)
    fields = forms.MultipleChoiceField(
        label=_("专业领域"), choices=ExpertiseField.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    held_on = forms.DateField(label=_("举办日期"), widget=DatePicker())
    hours = forms.IntegerField(label=_("学时"), min_value=1, max_value=200)
    pass_mark = forms.IntegerField(
        label=_("合格分数"), min_value=1, max_value=100, required=False, help_text=_("考试填写，满分 100")
    )


class TrainingRecordForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("专家"), queryset=queries.experts().filter(active=True))
    attended = forms.BooleanField(label=_("参加"), required=False, initial=True)
    score = forms.IntegerField(label=_("成绩"), min_value=0, max_value=100, required=False)


class AppraisalYearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2999)


class AppraisalDecisionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("考核结果"), choices=[("", _("按规则评定"))] + list(AppraisalResult.choices), required=False
    )
    reason = forms.CharField(label=_("调整理由"), max_length=2000, required=False)


class ScopeForm(forms.Form):
    """An acceptance scope of a third-party institution (decision 0029): added, or changed with the reason."""

    scope = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    hs_prefix = forms.CharField(label=_("HS 编码（前缀）"), max_length=10, help_text=_("2–10 位数字，如 9503"))
    category = forms.CharField(label=_("商品类别"), max_length=200)
    test_items = forms.CharField(
        label=_("检测项目"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("多个项目以逗号、顿号或换行分隔")
    )
    suspended = forms.BooleanField(label=_("暂停采信"), required=False)
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ViolationForm(forms.Form):
    occurred_on = forms.DateField(label=_("发生日期"), widget=DatePicker())
    description = forms.CharField(label=_("违规情形"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    consequence = forms.ChoiceField(label=_("处理"), choices=[("", "—"), *ViolationConsequence.choices])
