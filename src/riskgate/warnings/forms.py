"""Forms of the warning pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.assessment.models import OPEN_STATUSES, Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core.countries import is_valid_code
from riskgate.core.forms import DatePicker, LocalNamesChoiceField, fixed_fields
from riskgate.core.pickers import CountryPickField, HSPickField, RegionPickField
from riskgate.core.vocabulary import HazardType, WarningLevel

from .models import CONTENT_FIELDS, Evaluation, Status, WarningKind, WarningNotice
from .queries import assessments

BLANK = [("", _("全部"))]
STATE_CHOICES = [("active", _("生效中")), ("adjusted", _("已调整")), ("lifted", _("已解除"))]


@fixed_fields
class PortalFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=200)
    level = forms.ChoiceField(label=_("预警等级"), choices=BLANK + WarningLevel.choices, required=False)
    kind = forms.ChoiceField(label=_("预警类型"), choices=BLANK + WarningKind.choices, required=False)
    state = forms.ChoiceField(label=_("状态"), choices=BLANK + STATE_CHOICES, required=False)
    category = forms.CharField(label=_("产品类别"), required=False, max_length=100)
    hs_chapter = HSPickField(label=_("HS 章/品目"), required=False)
    origin = CountryPickField(label=_("原产国"), required=False)
    region = RegionPickField(label=_("地区"), required=False)
    since = forms.DateField(label=_("发布日期自"), required=False, widget=DatePicker())
    until = forms.DateField(label=_("至"), required=False, widget=DatePicker())

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {k: v for k, v in data.items() if v not in ("", None)}


class ListField(forms.CharField):
    """A list typed as text: items separated by commas, 、 or new lines."""

    def __init__(self, *args, upper=False, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        import re

        text = super().to_python(value) or ""
        items = [part.strip() for part in re.split(r"[,，、;；\n]+", text) if part.strip()]
        return [item.upper() for item in items] if self.upper else items


class WarningForm(forms.ModelForm):
    """The content of a draft; the services check kinds, codes and the authority rules."""

    kinds = forms.MultipleChoiceField(
        label=_("预警类型"), choices=WarningKind.choices, widget=forms.CheckboxSelectMultiple
    )
    hs_codes = ListField(label=_("HS 编码"), help_text=_("以逗号分隔，如 9403, 9401"))
    brands = ListField(label=_("品牌"))
    product_models = ListField(label=_("型号"))
    batches = ListField(label=_("批次"))
    gtins = ListField(label=_("商品条码"))
    origin_countries = ListField(label=_("原产国"), upper=True, help_text=_("两位代码，如 CN, DE"))
    regions = ListField(label=_("地区（空：全国）"), help_text=_("行政区划代码，如 610000"))
    ports = LocalNamesChoiceField(label=_("口岸（通报另行送达）"), queryset=Organisation.objects.none(), required=False)
    enterprises = LocalNamesChoiceField(
        label=_("企业（通告送达对象）"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Organisation.objects.visible_to(principal).order_by("name")
        self.fields["ports"].queryset = visible.filter(kind__in=["port", "inspection_body"])
        self.fields["enterprises"].queryset = visible.filter(kind=OrganisationKind.ENTERPRISE)
        if self.instance.pk:
            self.initial.setdefault("ports", list(self.instance.ports.all()))
            self.initial.setdefault("enterprises", list(self.instance.enterprises.all()))

    class Meta:
        model = WarningNotice
        fields = [name for name in CONTENT_FIELDS if name != "hazard_type"]  # ports, enterprises: declared above
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "items": forms.Textarea(attrs={"rows": 2}),
            "items_en": forms.Textarea(attrs={"rows": 2, "lang": "en"}),
            "measures": forms.Textarea(attrs={"rows": 2}),
            "measures_en": forms.Textarea(attrs={"rows": 2, "lang": "en"}),
            "audience": forms.Textarea(attrs={"rows": 1}),
            "audience_en": forms.Textarea(attrs={"rows": 1, "lang": "en"}),
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "valid_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    # The form in the order a drafter thinks (issue 26): what is warned of, who acts on it, which products and
    # places it concerns, for how long. Why (the basis) heads the page.
    SECTIONS = [
        ("what", _("预警什么"), ["level", "kinds", "title", "title_en", "summary", "summary_en"]),
        ("who", _("谁来做什么"), ["items", "items_en", "measures", "measures_en", "audience", "audience_en",
                                  "enterprises", "ports"]),
        ("where", _("涉及哪些产品和地方"), ["product_category", "product_category_en", "hs_codes", "brands",
                                          "product_models", "batches", "gtins", "origin_countries", "regions"]),
        ("when", _("多长时间"), ["starts_at", "valid_until"]),
    ]  # fmt: skip

    def sections(self) -> list[dict]:
        return [
            {"key": key, "legend": legend, "fields": [self[name] for name in names if name in self.fields]}
            for key, legend, names in self.SECTIONS
        ]

    def content(self) -> dict:
        return dict(self.cleaned_data)


class EmergencyForm(forms.Form):
    hazard_type = forms.ChoiceField(label=_("危害类型"), choices=[])
    reason = forms.CharField(label=_("先行发布的理由"), widget=forms.Textarea(attrs={"rows": 2}))
    assessment = forms.ModelChoiceField(
        label=_("正在进行的研判（可选）"),
        queryset=Assessment.objects.none(),
        required=False,
        help_text=_("已提请的研判可在此关联；发布后须在时限内提请研判并事后确认。"),
    )

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazard_type"].choices = HazardType.choices
        self.fields["assessment"].queryset = assessments(principal, *OPEN_STATUSES, AssessmentStatus.SUBMITTED)


class LinkAssessmentForm(forms.Form):
    """The assessment requested for a pending emergency warning (in progress or already confirmed)."""

    assessment = forms.ModelChoiceField(label=_("提请的研判"), queryset=Assessment.objects.none())

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [*OPEN_STATUSES, AssessmentStatus.SUBMITTED, AssessmentStatus.CONFIRMED]
        self.fields["assessment"].queryset = assessments(principal, *statuses)


class ConfirmForm(forms.Form):
    """Art.19: confirm an emergency warning on its confirmed assessment."""

    assessment = forms.ModelChoiceField(label=_("已确认的研判"), queryset=Assessment.objects.none())
    note = forms.CharField(label=_("确认说明（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments(principal, AssessmentStatus.CONFIRMED)


class AdjustForm(forms.Form):
    """A new version of a published warning: its level, and the (newer, confirmed) assessment it cites."""

    level = forms.ChoiceField(label=_("调整后的等级"), choices=[("", _("不变"))] + WarningLevel.choices, required=False)
    assessment = forms.ModelChoiceField(
        label=_("引用的研判（可选：重新研判后的新版本）"), queryset=Assessment.objects.none(), required=False
    )
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments(principal, AssessmentStatus.CONFIRMED)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ManageFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=BLANK + Status.choices, required=False)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱"), help_text=_("确认链接会发到这个地址；确认前不发送预警。"))
    webhook_url = forms.URLField(
        assume_scheme="https",
        label=_("Webhook 地址（可选）"),
        required=False,
        help_text=_("每次发布、调整、解除都会 POST 一次签名的 JSON。"),
    )
    levels = forms.MultipleChoiceField(
        label=_("预警等级（不选：全部）"),
        choices=WarningLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = ListField(label=_("产品类别（可选）"), help_text=_("如：玩具、家具"))
    countries = ListField(label=_("原产国代码（可选）"), upper=True, help_text=_("如：CN, DE"))
    regions = ListField(label=_("地区代码（可选）"), help_text=_("如：610000"))
    language = forms.ChoiceField(label=_("语言"), choices=[("zh-hans", "简体中文"), ("en", "English")])

    def clean_countries(self):
        bad = [c for c in self.cleaned_data["countries"] if not is_valid_code(c)]
        if bad:
            raise forms.ValidationError(_("未知的国家或地区代码：%s") % ", ".join(bad))
        return self.cleaned_data["countries"]

    def clean_regions(self):
        import re

        bad = [r for r in self.cleaned_data["regions"] if not re.fullmatch(r"\d{6}", r)]
        if bad:
            raise forms.ValidationError(_("地区代码应为 6 位数字：%s") % ", ".join(bad))
        return self.cleaned_data["regions"]


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["measures_done", "new_incidents", "recommendation", "note"]
        widgets = {"measures_done": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}


class ReassessmentRequestForm(forms.Form):
    """Art.20: the risk has changed — what, and on what evidence."""

    change = forms.CharField(label=_("风险变化情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=10000)
    evidence = forms.CharField(
        label=_("依据（检测、伤害、通报等）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )


class ReassessmentDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("处理"),
        choices=[("1", _("接受，重新研判")), ("0", _("不予重新研判"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("处理理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
