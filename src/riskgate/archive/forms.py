from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import Category
from .models import ArchiveState, Importance


class FilterForm(forms.Form):
    q = forms.CharField(label=_("档号或题名"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("档案类别"), choices=[("", _("全部")), *Category.choices], required=False)
    importance = forms.ChoiceField(label=_("重要程度"), choices=[("", _("全部")), *Importance.choices], required=False)
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *ArchiveState.choices], required=False)
    on_hold = forms.BooleanField(label=_("仅诉讼保全"), required=False)


class ClassifyForm(forms.Form):
    importance = forms.ChoiceField(label=_("重要程度"), choices=[("", "—"), *Importance.choices])
    reason = forms.CharField(label=_("定级理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
