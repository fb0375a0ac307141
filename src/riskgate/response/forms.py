"""Forms of rapid response: ordering a measure, reporting progress and quantities, lifting."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind

from .models import MeasureKind, QuantityKind, Status, TargetKind
from .services import EXECUTING_KINDS


class OrderForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("措施"), queryset=MeasureKind.objects.filter(active=True))
    target_kind = forms.ChoiceField(label=_("对象类型"), choices=TargetKind.choices)
    target = forms.CharField(label=_("对象说明"), max_length=500, help_text=_("产品名称、型号、批次、报关单号等"))
    target_enterprise = forms.ModelChoiceField(
        label=_("涉事企业"), required=False, queryset=Organisation.objects.none()
    )
    hs_codes = forms.CharField(label=_("HS 编码"), required=False, help_text=_("多个用逗号分隔"))
    instructions = forms.CharField(label=_("措施要求"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=Organisation.objects.none())
    cooperating_units = forms.ModelMultipleChoiceField(label=_("配合单位"), required=False,
                                                       queryset=Organisation.objects.none())  # fmt: skip
    deadline = forms.DateTimeField(label=_("完成时限"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    period_ends_at = forms.DateTimeField(label=_("实施期至"), required=False,
                                         widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                         help_text=_("有规定实施期的，期满后自动解除"))  # fmt: skip

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Organisation.objects.visible_to(principal)
        self.fields["target_enterprise"].queryset = visible.filter(kind=OrganisationKind.ENTERPRISE)
        executing = Organisation.objects.filter(kind__in=EXECUTING_KINDS, is_active=True)
        self.fields["lead_unit"].queryset = visible.filter(kind__in=EXECUTING_KINDS, is_active=True)
        self.fields["cooperating_units"].queryset = executing.filter(pk__in=visible.values("pk")) | executing.filter(
            kind=OrganisationKind.PARTNER_AGENCY
        )

    def clean_hs_codes(self):
        return [c.strip() for c in (self.cleaned_data["hs_codes"] or "").replace("，", ",").split(",") if c.strip()]


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    evidence = forms.FileField(label=_("证据材料"), required=False, help_text=_("JPEG、PNG、WEBP、PDF 或 MP4"))


class QuantityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=QuantityKind.choices)
    amount = forms.DecimalField(label=_("数量"), min_value=0, max_digits=14, decimal_places=3)
    unit = forms.CharField(label=_("单位"), max_length=20)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("解除理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    evaluation = forms.CharField(label=_("风险消除或降低的确认意见"), widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=5000)  # fmt: skip


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices])
    mine = forms.BooleanField(label=_("本单位承办"), required=False)
