"""Forms for sign-in, second factor, enterprise registration and API tokens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Region
from riskgate.core.permissions import PERMISSION_CHOICES

from .models import EnterpriseType, Organisation, OrganisationKind


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label=_("密码"), max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令（6位数字）"),
        min_length=6,
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    code = forms.SlugField(label=_("机构代码"), max_length=40, help_text=_("系统内唯一的简短代码，如 ent-xian-001"))
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    customs_code = forms.CharField(label=_("海关注册编码"), max_length=10, required=False)
    enterprise_types = forms.MultipleChoiceField(
        label=_("企业类别"), choices=EnterpriseType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    parent = forms.ModelChoiceField(label=_("主管海关"), queryset=Organisation.objects.none())
    region = forms.ModelChoiceField(label=_("所在地区"), queryset=Region.objects.all(), required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.visible_to(principal).filter(
            kind__in=[OrganisationKind.DIRECT_BUREAU, OrganisationKind.INSPECTION_BODY, OrganisationKind.PORT]
        )

    def clean_uscc(self):
        return self.cleaned_data["uscc"].strip().upper()

    def clean_customs_code(self):
        return self.cleaned_data["customs_code"].strip().upper() or None


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100)
    organisation = forms.ModelChoiceField(label=_("所属机构"), queryset=Organisation.objects.none())
    permissions = forms.MultipleChoiceField(
        label=_("权限"), choices=PERMISSION_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    expires_at = forms.DateTimeField(
        label=_("到期时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(principal)
        self.fields["permissions"].choices = [c for c in PERMISSION_CHOICES if principal.has_permission(c[0])]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("吊销理由"), max_length=500, required=False)
