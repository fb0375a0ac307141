from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.core.access import MAX_ID
from riskgate.core.forms import DatePicker, LocalNameChoiceField, LocalNamesChoiceField

from .models import InterviewSubject, KeyCommodity, KeyField, PenaltyKind, PublicityKind, SupervisionKind, TransferKind

# Bounds that keep a mistyped figure a form error instead of a database overflow (PostgreSQL integer columns).
MAX_COUNT = 100_000_000
MAX_YUAN = 10**13

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("移送类别"), choices=[("", "—"), *TransferKind.choices])
    receiving = LocalNameChoiceField(label=_("接收单位"), queryset=None)
    enterprise = LocalNameChoiceField(label=_("涉案企业"), queryset=None, required=False)
    title = forms.CharField(label=_("案由"), max_length=300)
    facts = forms.CharField(label=_("涉嫌违法事实"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    legal_basis = forms.CharField(
        label=_("移送依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    campaign = forms.ModelChoiceField(label=_("所属专项行动"), queryset=None, required=False)

    def __init__(self, *args, receiving=None, enterprises=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving"].queryset = receiving
        self.fields["enterprise"].queryset = enterprises
        self.fields["campaign"].queryset = campaigns


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("证据文件"), help_text=_("PDF、图片或视频"))
    description = forms.CharField(label=_("证据说明"), max_length=300)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("接收回执"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


# -- interviews -------------------------------------------------------------------------------------------------


class InterviewForm(forms.Form):
    subject = forms.ChoiceField(label=_("约谈对象类别"), choices=[("", "—"), *InterviewSubject.choices])
    enterprise = LocalNameChoiceField(label=_("被约谈企业"), queryset=None, required=False)
    government = forms.CharField(label=_("被约谈地方政府"), max_length=200, required=False)
    reason = forms.CharField(label=_("约谈事由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    scheduled_at = forms.DateTimeField(label=_("约谈时间"), widget=WHEN)
    place = forms.CharField(label=_("约谈地点"), max_length=200)

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class MinutesForm(forms.Form):
    held_at = forms.DateTimeField(label=_("实际约谈时间"), widget=WHEN)
    attendees = forms.CharField(label=_("参加人员"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    minutes = forms.CharField(label=_("约谈纪要"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


class CommitmentForm(forms.Form):
    action = forms.CharField(label=_("整改事项"), max_length=500)
    due = forms.DateField(label=_("完成期限"), widget=DatePicker)


class FulfilForm(forms.Form):
    commitment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    fulfilment = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("办结意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


# -- supervised cases -----------------------------------------------------------------------------------------------


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("督办类别"), choices=SupervisionKind.choices, initial=SupervisionKind.CASE, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("督办事项"), max_length=300)
    basis = forms.CharField(
        label=_("督办依据"), max_length=300, required=False, help_text=_("如实施方案的条款、上级交办文件")
    )
    supervised = LocalNameChoiceField(label=_("承办单位"), queryset=None, help_text=_("牵头办理并报告进展"))
    cooperating = LocalNamesChoiceField(
        label=_("协办单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    partners = forms.CharField(label=_("联合督办部门"), max_length=300, required=False, help_text=_("如公安、市场监管"))
    enterprise = LocalNameChoiceField(label=_("涉案企业"), queryset=None, required=False)
    facts = forms.CharField(label=_("情况与督办要求"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    deadline = forms.DateField(label=_("办结期限"), widget=DatePicker)

    def __init__(self, *args, supervisable=None, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervised"].queryset = supervisable
        self.fields["cooperating"].queryset = supervisable
        self.fields["enterprise"].queryset = enterprises


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("办理进展"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class CaseConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("结案意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


# -- penalty cases --------------------------------------------------------------------------------------------------


class PenaltyForm(forms.Form):
    enterprise = LocalNameChoiceField(label=_("当事企业"), queryset=None)
    document_number = forms.CharField(label=_("处罚决定书文号"), max_length=100)
    decided_on = forms.DateField(label=_("处罚决定日期"), widget=DatePicker)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    legal_basis = forms.CharField(label=_("处罚依据"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    penalties = forms.MultipleChoiceField(
        label=_("处罚种类"),
        choices=PenaltyKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("吊销许可证件、取消备案或禁止进出口经营，即强制退出市场。"),
    )
    fine_yuan = forms.IntegerField(label=_("罚没金额（元）"), min_value=0, max_value=MAX_YUAN, required=False)
    serious = forms.BooleanField(label=_("严重违法"), required=False, help_text=_("严重违法的处罚使企业成为失信企业。"))
    campaign = forms.ModelChoiceField(label=_("所属专项行动"), queryset=None, required=False)

    def __init__(self, *args, enterprises=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["campaign"].queryset = campaigns


class PublishForm(forms.Form):
    public_summary = forms.CharField(
        label=_("公示内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("面向公众：违法事实、处罚依据和结果，不含个人信息。"),
    )


class ExposeForm(forms.Form):
    exposure_title = forms.CharField(label=_("典型案例标题"), max_length=200)
    exposure_text = forms.CharField(label=_("典型案例说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


# -- campaigns ------------------------------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("行动名称"), max_length=200)
    commodities = forms.MultipleChoiceField(
        label=_("重点商品"), choices=KeyCommodity.choices, widget=forms.CheckboxSelectMultiple
    )
    fields = forms.MultipleChoiceField(
        label=_("重点领域"), choices=KeyField.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DatePicker)
    ends_on = forms.DateField(label=_("结束日期"), widget=DatePicker)
    description = forms.CharField(
        label=_("工作要求"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000, required=False
    )
    target_inspections = forms.IntegerField(label=_("目标：检查批次"), min_value=1, max_value=MAX_COUNT, required=False)
    target_cases = forms.IntegerField(label=_("目标：查办案件"), min_value=1, max_value=MAX_COUNT, required=False)
    target_transfers = forms.IntegerField(label=_("目标：移送案件"), min_value=1, max_value=MAX_COUNT, required=False)
    target_seized_yuan = forms.IntegerField(
        label=_("目标：查扣货值（元）"), min_value=1, max_value=MAX_YUAN, required=False
    )


class CampaignReportForm(forms.Form):
    inspections = forms.IntegerField(label=_("检查批次"), min_value=0, max_value=MAX_COUNT)
    seized_yuan = forms.IntegerField(label=_("查扣货值（元）"), min_value=0, max_value=MAX_YUAN)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("行动总结"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


# -- benchmarks and publicity ---------------------------------------------------------------------------------------


class BenchmarkForm(forms.Form):
    enterprise = LocalNameChoiceField(label=_("企业"), queryset=None)
    title = forms.CharField(label=_("标杆名称"), max_length=200)
    citation = forms.CharField(label=_("评定事迹"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    awarded_on = forms.DateField(label=_("评定日期"), widget=DatePicker)
    valid_until = forms.DateField(label=_("有效期至"), widget=DatePicker)

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class PublicityForm(forms.Form):
    kind = forms.ChoiceField(label=_("活动类别"), choices=[("", "—"), *PublicityKind.choices])
    title = forms.CharField(label=_("活动名称"), max_length=200)
    held_on = forms.DateField(label=_("活动日期"), widget=DatePicker)
    place = forms.CharField(label=_("活动地点"), max_length=200)
    activities = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    participants = forms.IntegerField(label=_("参与人数"), min_value=0, max_value=MAX_COUNT)
    materials = forms.IntegerField(label=_("发放宣传材料（份）"), min_value=0, max_value=MAX_COUNT, required=False)
