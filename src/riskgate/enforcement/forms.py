from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.core.forms import LocalNameChoiceField

from .models import TransferKind


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("移送类别"), choices=[("", "—"), *TransferKind.choices])
    receiving = LocalNameChoiceField(label=_("接收单位"), queryset=None)
    enterprise = LocalNameChoiceField(label=_("涉案企业"), queryset=None, required=False)
    title = forms.CharField(label=_("案由"), max_length=300)
    facts = forms.CharField(label=_("涉嫌违法事实"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    legal_basis = forms.CharField(
        label=_("移送依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, receiving=None, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving"].queryset = receiving
        self.fields["enterprise"].queryset = enterprises


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("证据文件"), help_text=_("PDF、图片或视频"))
    description = forms.CharField(label=_("证据说明"), max_length=300)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("接收回执"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
