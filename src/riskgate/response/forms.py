"""Forms of rapid response: ordering a measure, reporting progress and quantities, lifting."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core.forms import DatePicker, LocalNameChoiceField, LocalNamesChoiceField

from .models import (
    CheckResult,
    CommodityClass,
    DrillRating,
    EnforcementKind,
    MeasureKind,
    QuantityKind,
    RecallKind,
    RecallType,
    Remedy,
    Status,
    TargetKind,
    Verdict,
)
from .queries import measures as measure_queries


class OrderForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("措施"), queryset=MeasureKind.objects.filter(active=True))
    target_kind = forms.ChoiceField(label=_("对象类型"), choices=TargetKind.choices)
    target = forms.CharField(label=_("对象说明"), max_length=500, help_text=_("产品名称、型号、批次、报关单号等"))
    target_enterprise = LocalNameChoiceField(label=_("涉事企业"), required=False, queryset=Organisation.objects.none())
    hs_codes = forms.CharField(label=_("HS 编码"), required=False, help_text=_("多个用逗号分隔"))
    instructions = forms.CharField(label=_("措施要求"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = LocalNameChoiceField(label=_("牵头单位"), queryset=Organisation.objects.none())
    cooperating_units = LocalNamesChoiceField(label=_("配合单位"), required=False, queryset=Organisation.objects.none())
    deadline = forms.DateTimeField(label=_("完成时限"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    period_ends_at = forms.DateTimeField(
        label=_("实施期至"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("有规定实施期的，期满后自动解除"),
    )
    investigation_from = forms.DateField(
        label=_("调查期间自"),
        required=False,
        widget=DatePicker(),
        help_text=_("调查同类产品、相关行业或关联区域时填写：追溯此期间的报关历史"),
    )
    investigation_to = forms.DateField(label=_("调查期间至"), required=False, widget=DatePicker())

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_enterprise"].queryset = measure_queries.enterprises(principal)
        self.fields["lead_unit"].queryset = measure_queries.lead_units(principal)
        self.fields["cooperating_units"].queryset = measure_queries.cooperating_units(principal)

    def clean_hs_codes(self):
        return [c.strip() for c in (self.cleaned_data["hs_codes"] or "").replace("，", ",").split(",") if c.strip()]


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    evidence = forms.FileField(label=_("证据材料"), required=False, help_text=_("JPEG、PNG、WEBP、PDF 或 MP4"))
    implemented = forms.BooleanField(
        label=_("措施已落实完毕"),
        required=False,
        help_text=_("牵头单位报告；结束对完成时限的督办，解除仍由决定机构确认"),
    )

    def __init__(self, *args, lead: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not lead:  # only the lead unit reports the measure implemented
            del self.fields["implemented"]


class QuantityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=QuantityKind.choices)
    amount = forms.DecimalField(label=_("数量"), min_value=0, max_digits=14, decimal_places=3)
    unit = forms.CharField(label=pgettext_lazy("measure", "单位"), max_length=20)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("解除理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    evaluation = forms.CharField(
        label=_("风险消除或降低的确认意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices])
    mine = forms.BooleanField(label=_("本单位承办"), required=False)
    overdue = forms.BooleanField(label=_("逾期未落实"), required=False)


class ImposeForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("风险责任者"), queryset=Organisation.objects.none())
    institution = forms.ModelChoiceField(
        label=_("评估技术机构"), queryset=Organisation.objects.filter(kind=OrganisationKind.TECHNICAL_INSTITUTION)
    )
    requirements = forms.CharField(label=_("要求"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    report_due = forms.DateTimeField(
        label=_("消减报告提交时限"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Organisation.objects.visible_to(principal).filter(
            kind=OrganisationKind.ENTERPRISE
        )


class MitigationForm(forms.Form):
    defect_analysis = forms.CharField(label=_("产品缺陷分析"), widget=forms.Textarea(attrs={"rows": 3}))
    quantity_distribution = forms.CharField(label=_("涉及产品的数量和流向"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("消减风险的措施"), widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label=_("计划"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_effect = forms.CharField(label=_("预期效果评价"), widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(forms.Form):
    verdict = forms.ChoiceField(label=_("评估结论"), choices=Verdict.choices, widget=forms.RadioSelect)
    feasibility = forms.CharField(label=_("可行性"), widget=forms.Textarea(attrs={"rows": 2}))
    effectiveness = forms.CharField(label=_("有效性"), widget=forms.Textarea(attrs={"rows": 2}))
    adequacy = forms.CharField(label=_("充分性"), widget=forms.Textarea(attrs={"rows": 2}))
    truthful = forms.BooleanField(label=_("报告真实、符合"), required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ConsumerNoticeForm(forms.Form):
    text = forms.CharField(label=_("通报方式、对象和内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    proof = forms.FileField(
        label=_("通报证明"), required=False, help_text=_("公告截图、门店告示照片、寄送记录（PDF 或图片）")
    )


class LiftingApplicationForm(forms.Form):
    text = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    evaluation_report = forms.FileField(label=_("产品缺陷消除评价报告"), help_text=_("PDF 或图片"))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("批准解除")), ("0", _("不予解除"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class EliminationForm(forms.Form):
    """Art.25: the institution's confirmation of the defect-elimination evaluation report."""

    confirmed = forms.TypedChoiceField(
        label=_("结论"),
        choices=[("1", _("确认缺陷已消除")), ("0", _("不予确认"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("技术机构意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class RecallForm(forms.Form):
    kind = forms.ChoiceField(label=_("召回方式"), choices=RecallKind.choices)
    recall_type = forms.ChoiceField(label=_("召回类型"), choices=RecallType.choices)
    enterprise = forms.ModelChoiceField(label=_("召回实施者"), queryset=Organisation.objects.none())
    product = forms.CharField(label=_("产品"), max_length=300)
    brand = forms.CharField(label=_("品牌"), max_length=200, required=False)
    model = forms.CharField(label=_("型号"), max_length=300, required=False)
    hs_code = forms.CharField(label=_("HS 编码"), max_length=10, required=False)
    defect = forms.CharField(label=_("缺陷"), widget=forms.Textarea(attrs={"rows": 3}))
    defect_en = forms.CharField(
        label=_("英文缺陷描述"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        required=False,
        help_text=_("英文页面和英文公告显示此项；不填则显示中文原文并注明"),
    )
    affected_units = forms.IntegerField(label=_("涉及数量"), min_value=1, max_value=100_000_000)
    affected_range = forms.CharField(
        label=_("涉及范围（批次、序列号或车辆识别代号范围）"), widget=forms.Textarea(attrs={"rows": 2})
    )
    distribution = forms.CharField(label=_("流向"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    distribution_en = forms.CharField(
        label=_("英文流向"), widget=forms.Textarea(attrs={"rows": 2, "lang": "en"}), required=False
    )
    remedies = forms.MultipleChoiceField(
        label=_("补救措施"), choices=Remedy.choices, widget=forms.CheckboxSelectMultiple
    )
    communication_plan = forms.CharField(label=_("通报和宣传计划"), widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("来源编号"), max_length=100, required=False)
    started_on = forms.DateField(label=_("召回开始日期"), widget=DatePicker())
    target_rate = forms.IntegerField(
        label=_("目标召回率（%）"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("与目标日期一起填写；到期未达到的，督办监督机构及其上级"),
    )
    target_date = forms.DateField(label=_("目标日期"), required=False, widget=DatePicker())

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Organisation.objects.visible_to(principal).filter(
            kind=OrganisationKind.ENTERPRISE
        )


class RecallPlanForm(forms.Form):
    """The plan of an ordered recall (units, range, distribution, remedies, communication)."""

    brand = RecallForm.base_fields["brand"]
    model = RecallForm.base_fields["model"]
    affected_units = RecallForm.base_fields["affected_units"]
    affected_range = RecallForm.base_fields["affected_range"]
    distribution = RecallForm.base_fields["distribution"]
    distribution_en = RecallForm.base_fields["distribution_en"]
    remedies = RecallForm.base_fields["remedies"]
    communication_plan = RecallForm.base_fields["communication_plan"]
    target_rate = RecallForm.base_fields["target_rate"]
    target_date = RecallForm.base_fields["target_date"]


class RecallAssessmentForm(forms.Form):
    """The risk assessment the recall's defect investigation rests on."""

    assessment = forms.ModelChoiceField(label=_("缺陷调查的研判"), queryset=None)

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = measure_queries.assessments(principal).order_by("-requested_at", "-id")


class RecallProgressForm(forms.Form):
    as_of = forms.DateField(label=_("截至日期"), widget=DatePicker())
    units_corrected = forms.IntegerField(label=_("累计完成补救数量"), min_value=0)
    note = forms.CharField(label=_("说明"), required=False, max_length=5000)


class EnforcementForm(forms.Form):
    kind = forms.ChoiceField(label=_("违法情形"), choices=EnforcementKind.choices)
    facts = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class CheckForm(forms.Form):
    checked_on = forms.DateField(label=_("检查日期"), widget=DatePicker())
    result = forms.ChoiceField(label=_("检查结果"), choices=CheckResult.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class EmergencyPlanForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("口岸"), queryset=Organisation.objects.none())
    commodity_class = forms.ChoiceField(label=_("商品类别"), choices=[("", "—"), *CommodityClass.choices])
    title = forms.CharField(label=_("预案名称"), max_length=300)
    scope = forms.CharField(label=_("适用范围"), widget=forms.Textarea(attrs={"rows": 2}))
    procedures = forms.CharField(label=_("处置程序"), widget=forms.Textarea(attrs={"rows": 4}))
    contacts = forms.CharField(label=_("联络方式"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    steps = forms.CharField(
        label=_("联合处置任务"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项：小时数 | 单位代码 | 任务，如 2 | xian-airport-port | 封存涉事货物"),
    )

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(principal).filter(
            kind__in=["port", "inspection_body", "direct_bureau"]
        )


class DrillForm(forms.Form):
    held_on = forms.DateField(label=_("演练日期"), widget=DatePicker())
    scenario = forms.CharField(label=_("演练情景"), widget=forms.Textarea(attrs={"rows": 2}))
    participants = forms.CharField(label=_("参演单位"), max_length=2000)
    rating = forms.ChoiceField(label=_("评估结论"), choices=[("", "—"), *DrillRating.choices])
    evaluation = forms.CharField(label=_("评估意见"), widget=forms.Textarea(attrs={"rows": 2}))
    improvements = forms.CharField(label=_("改进措施"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ActivationForm(forms.Form):
    warning = forms.ModelChoiceField(label=_("依据的预警"), queryset=None)
    reason = forms.CharField(label=_("启动理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, warnings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warning"].queryset = warnings


class MaterialForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("口岸"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("物资名称"), max_length=200)
    quantity = forms.IntegerField(label=_("数量"), min_value=0, max_value=10_000_000)
    unit = forms.CharField(label=pgettext_lazy("measure", "单位"), max_length=20)
    location = forms.CharField(label=_("存放地点"), max_length=200)
    checked_on = forms.DateField(label=_("最近盘点日期"), widget=DatePicker())
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=DatePicker())

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(principal).filter(
            kind__in=["port", "inspection_body", "direct_bureau"]
        )


class TaskReportForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("进展"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    done = forms.BooleanField(label=_("已完成"), required=False)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("总结"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
