from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.core.forms import DatePicker, LocalNameChoiceField

from . import queries
from .models import CreditGrade, EntryStatus, ListKind


class EventForm(forms.Form):
    """An officer records a fact no module produces: a penalty decided elsewhere, an award, a certification."""

    kind = LocalNameChoiceField(label=_("事件类型"), queryset=queries.event_type_list(), to_field_name="code")
    source = forms.CharField(
        label=_("来源文书编号"), max_length=50, help_text=_("如行政处罚决定书文号、认证证书编号。")
    )
    occurred_on = forms.DateField(label=_("发生日期"), widget=DatePicker())
    detail = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def clean(self):
        data = super().clean()
        if data.get("kind") is not None:
            data["kind"] = data["kind"].code
        return data


class OverrideForm(forms.Form):
    grade = forms.ChoiceField(label=_("调整为"), choices=CreditGrade.choices)
    until = forms.DateField(label=_("有效至"), required=False, widget=DatePicker(), help_text=_("留空则直至人工结束。"))
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "override_%s")
        super().__init__(*args, **kwargs)


class OverrideDecisionForm(forms.Form):
    override = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("复核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class EndOverrideForm(forms.Form):
    override = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("结束理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "end_%s")
        super().__init__(*args, **kwargs)


class ProposeForm(forms.Form):
    """Propose an enterprise for a list, from the candidates of a criterion."""

    criterion = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    enterprise = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("认定理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    public_summary = forms.CharField(
        label=_("公布内容"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("公布在门户网站上的文字：不写个人信息和未公开的案情。"),
    )


class EntryDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "revoke_%s")
        super().__init__(*args, **kwargs)


class RepairForm(forms.Form):
    statement = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    evidence = forms.FileField(label=_("证明材料"), help_text=_("PDF 或图片"))


class RepairDecisionForm(forms.Form):
    repair = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("名单"), required=False, choices=[("", _("全部")), *ListKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *EntryStatus.choices])
