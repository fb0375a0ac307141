from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.assessment.forms import RequestForm
from riskgate.core.vocabulary import HazardType

from .models import SignalStatus


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
    reason = forms.CharField(
        label=_("排除理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("如：已知原因（季节性进口高峰、集中抽检）、重复通报、统计口径变化"),
    )
