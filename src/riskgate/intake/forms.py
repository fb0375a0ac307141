"""Forms for searching, entering and processing risk information."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import hs as hs_codes
from riskgate.core.countries import is_valid_code
from riskgate.core.forms import CountryCodeField, DatePicker
from riskgate.core.models import HSCode, Region
from riskgate.core.text import validate_text
from riskgate.core.vocabulary import HazardType, Urgency

from .importers import SOURCES
from .models import (
    EXTERNAL_SYSTEMS,
    Channel,
    Hotline,
    LinkKind,
    LinkStatus,
    ReporterKind,
    SourceType,
    Status,
    TradeDirection,
)

BLANK = [("", _("全部"))]


class InformationFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=200)
    source_type = forms.ChoiceField(label=_("信息来源"), choices=BLANK + SourceType.choices, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=BLANK + Status.choices, required=False)
    hazard = forms.ChoiceField(label=_("危害类型"), choices=BLANK + HazardType.choices, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=BLANK + Urgency.choices, required=False)
    origin = CountryCodeField(label=_("原产国代码"), required=False)
    organisation = forms.ModelChoiceField(label=_("负责机构（辖区）"), queryset=None, required=False)
    hs_chapter = forms.RegexField(label=_("HS 章/品目"), regex=r"^\d{2,6}$", required=False)
    since = forms.DateField(label=_("接收日期自"), required=False, widget=DatePicker())
    until = forms.DateField(label=_("至"), required=False, widget=DatePicker())
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    # The order chosen by a column header (core.listing), kept when the filters change.
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, principal=None, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(principal).exclude(
            kind__in=[OrganisationKind.ENTERPRISE, OrganisationKind.LABORATORY, OrganisationKind.MONITORING_POINT]
        )

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        criteria = {k: v for k, v in data.items() if v not in ("", None, False) and k != "sort"}
        if "organisation" in criteria:
            criteria["organisation"] = criteria["organisation"].pk
        return criteria


def country_list(value: str) -> list[str]:
    codes = [c.strip().upper() for c in re.split(r"[,;，、\s]+", value or "") if c.strip()]
    bad = [c for c in codes if not is_valid_code(c)]
    if bad:
        raise forms.ValidationError(_("未知的国家或地区代码：%s") % ", ".join(bad))
    return codes


class InformationEntryForm(forms.Form):
    """Entry by an officer: hotline calls, own findings, partner notifications received on paper."""

    source_type = forms.ChoiceField(label=_("信息来源"), choices=SourceType.choices)
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[(c.value, c.label) for c in (Channel.HOTLINE, Channel.OFFICER_ENTRY)]
    )
    hotline = forms.ChoiceField(
        label=_("热线号码"),
        choices=[("", "—")] + Hotline.choices,
        required=False,
        help_text=_("热线来电须注明号码"),
    )
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    title = forms.CharField(label=_("标题"), max_length=500)
    description = forms.CharField(label=_("描述"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    product_name = forms.CharField(label=_("产品名称"), max_length=300, required=False)
    brand = forms.CharField(label=_("品牌"), max_length=200, required=False)
    model = forms.CharField(label=_("型号"), max_length=300, required=False)
    batch = forms.CharField(label=_("批次/批号"), max_length=200, required=False)
    gtin = forms.CharField(label=_("商品条码 (GTIN)"), max_length=14, required=False)
    hs_code = forms.CharField(
        label=_("HS 编码"), max_length=20, required=False, help_text=_("2、4、6 位 HS 编码，或 10 位税则号列")
    )
    product_category = forms.CharField(label=_("产品类别"), max_length=200, required=False)
    trade_direction = forms.ChoiceField(label=_("贸易方向"), choices=TradeDirection.choices)
    origin_countries = forms.CharField(label=_("原产国（ISO 代码，逗号分隔）"), max_length=200, required=False)
    hazard_types = forms.MultipleChoiceField(
        label=_("危害类型"), choices=HazardType.choices, widget=forms.CheckboxSelectMultiple
    )
    hazard_detail = forms.CharField(label=_("危害详情"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    injured = forms.IntegerField(label=_("受伤人数"), min_value=0, initial=0)
    dead = forms.IntegerField(label=_("死亡人数"), min_value=0, initial=0)
    fire = forms.BooleanField(label=_("引发火灾"), required=False)
    occurred_on = forms.DateField(label=_("发生日期"), required=False, widget=DatePicker())
    reporter_kind = forms.ChoiceField(
        label=_("报告人类型"), choices=[c for c in ReporterKind.choices if c[0] != "system"]
    )
    reporter_name = forms.CharField(label=_("报告人姓名"), max_length=100, required=False)
    reporter_phone = forms.CharField(label=_("报告人电话"), max_length=40, required=False)
    reporter_email = forms.EmailField(label=_("报告人电子邮箱"), required=False)

    def clean_hs_code(self):
        try:
            code, self.declared_hs_code = hs_codes.split(self.cleaned_data["hs_code"])
        except hs_codes.CodeError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not code:
            return None
        hs = HSCode.objects.filter(pk=code).first()
        if hs is None:
            raise forms.ValidationError(_("HS 编码 %s 不在 HS 2022 目录中。") % code)
        return hs

    def clean_origin_countries(self):
        return country_list(self.cleaned_data["origin_countries"])

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.HOTLINE and not data.get("hotline"):
            self.add_error("hotline", _("热线来电须注明是哪条热线（12315、12345、12360、12365）。"))
        elif data.get("channel") != Channel.HOTLINE:
            data["hotline"] = ""
        return data

    def split(self) -> tuple[dict, dict]:
        data = dict(self.cleaned_data)
        data["declared_hs_code"] = getattr(self, "declared_hs_code", "")
        reporter = {k: data.pop(f"reporter_{k}") for k in ("name", "phone", "email")}
        return data, reporter


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("处理"), choices=Status.choices)
    reason = forms.CharField(
        label=_("理由/意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    merged_into = forms.CharField(label=_("合并至（风险信息编号）"), required=False, max_length=20)

    def clean_merged_into(self):
        value = self.cleaned_data["merged_into"].strip().upper()
        if not value:
            return None
        match = re.fullmatch(r"(?:RI)?0*(\d{1,12})", value)
        if not match:
            raise forms.ValidationError(_("编号格式应为 RI00000123。"))
        return int(match.group(1))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one field (their content is checked by core.evidence, not here)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf,video/mp4"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(EvidenceField, self).clean(f, initial) for f in files]


class TranslationForm(forms.Form):
    """An officer's Chinese version of a foreign item's title and description."""

    title_zh = forms.CharField(label=_("中文标题"), max_length=500, required=False, validators=[validate_text])
    description_zh = forms.CharField(
        label=_("中文描述"),
        required=False,
        max_length=20000,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvidenceForm(forms.Form):
    files = EvidenceField(label=_("添加证据材料（照片、检测报告、视频）"))


class PublicReportForm(forms.Form):
    """Anyone may report (Art.11): what happened, where, and optionally how to reach the reporter."""

    PUBLIC_SOURCES = [SourceType.CONSUMER_COMPLAINT, SourceType.MEDIA, SourceType.OTHER]

    source_type = forms.ChoiceField(label=_("您是通过什么发现的"), choices=[(s.value, s.label) for s in PUBLIC_SOURCES])
    title = forms.CharField(label=_("简要说明（标题）"), max_length=200)
    description = forms.CharField(label=_("详细经过"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    product_name = forms.CharField(label=_("产品名称"), max_length=300)
    brand = forms.CharField(label=_("品牌"), max_length=200, required=False)
    model = forms.CharField(label=_("型号"), max_length=300, required=False)
    batch = forms.CharField(label=_("批次/批号"), max_length=200, required=False)
    hazard_types = forms.MultipleChoiceField(
        label=_("危害类型"), choices=HazardType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    injured = forms.IntegerField(label=_("受伤人数"), min_value=0, max_value=100000, initial=0)
    fire = forms.BooleanField(label=_("引发火灾"), required=False)
    occurred_on = forms.DateField(label=_("发生日期"), required=False, widget=DatePicker())
    region = forms.ModelChoiceField(label=_("发生地区"), queryset=Region.objects.none(), required=False)
    urgent = forms.BooleanField(label=_("情况紧急（正在造成伤害或可能造成严重伤害）"), required=False)
    name = forms.CharField(label=_("您的姓名（可不填，匿名举报）"), max_length=100, required=False)
    phone = forms.RegexField(label=_("联系电话"), regex=r"^[0-9+\-\s]{5,20}$", required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    wants_reward = forms.BooleanField(label=_("如举报属实，申请举报奖励（需留下联系方式）"), required=False)
    files = EvidenceField(label=_("照片或其他证据（可选，最多3个）"))
    # Honeypot: hidden from people by CSS, filled by bots.
    website = forms.CharField(
        required=False, label=_("请勿填写"), widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    # The form in steps (issue 26): what happened, which product, where, and how to reach the reporter.
    STEPS = [
        (
            _("发生了什么"),
            ["source_type", "title", "description", "hazard_types", "injured", "fire", "occurred_on", "urgent"],
        ),
        (_("涉及什么产品"), ["product_name", "brand", "model", "batch", "files"]),
        (_("在哪里"), ["region"]),
        (_("怎样联系您（可不填）"), ["name", "phone", "email", "wants_reward"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("code")

    def steps(self) -> list[dict]:
        """The fields by step, numbered, for the template."""
        return [
            {"number": n, "title": title, "fields": [self[name] for name in names]}
            for n, (title, names) in enumerate(self.STEPS, start=1)
        ]

    def clean(self):
        data = super().clean()
        if len(data.get("files") or []) > 3:
            self.add_error("files", _("最多上传3个文件。"))
        if data.get("wants_reward") and not (data.get("phone") or data.get("email")):
            self.add_error("wants_reward", _("申请奖励请留下电话或电子邮箱。"))
        return data

    def split(self) -> dict:
        d = self.cleaned_data
        data = {
            k: d[k]
            for k in (
                "source_type",
                "title",
                "description",
                "product_name",
                "brand",
                "model",
                "batch",
                "injured",
                "fire",
                "occurred_on",
            )
        }
        data["hazard_types"] = d["hazard_types"] or [HazardType.OTHER.value]
        data["urgency"] = Urgency.URGENT if d["urgent"] else Urgency.NORMAL
        return {
            "files": d["files"],
            "data": data,
            "reporter": {k: d[k] for k in ("name", "phone", "email")},
            "region": d["region"],
            "wants_reward": d["wants_reward"],
        }


class ReceiptLookupForm(forms.Form):
    number = forms.CharField(label=_("回执编号"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    secret = forms.CharField(label=_("查询码"), max_length=20, widget=forms.PasswordInput(render_value=False))


class EnterpriseReportForm(forms.Form):
    """An enterprise's written report of a risk it found, with the control measures taken (Art.12)."""

    title = forms.CharField(label=_("标题"), max_length=300)
    description = forms.CharField(label=_("风险情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    control_measures = forms.CharField(
        label=_("已采取的控制措施"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    product_name = forms.CharField(label=_("产品名称"), max_length=300)
    brand = forms.CharField(label=_("品牌"), max_length=200, required=False)
    model = forms.CharField(label=_("型号"), max_length=300, required=False)
    batch = forms.CharField(label=_("批次/批号"), max_length=200, required=False)
    hs_code = forms.CharField(label=_("HS 编码"), max_length=20, required=False)
    trade_direction = forms.ChoiceField(label=_("贸易方向"), choices=TradeDirection.choices)
    hazard_types = forms.MultipleChoiceField(
        label=_("危害类型"), choices=HazardType.choices, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, help_text=_("紧急情况将立即通知主管海关。")
    )

    clean_hs_code = InformationEntryForm.clean_hs_code


class ImportForm(forms.Form):
    source = forms.ChoiceField(label=_("数据来源"))
    file = forms.FileField(label=_("文件（CSV、XLSX 或 JSON）"))
    organisation = forms.ModelChoiceField(label=_("负责机构（辖区）"), queryset=None)

    def __init__(self, *args, principal=None, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(k, s.label) for k, s in SOURCES.items()]
        self.fields["organisation"].queryset = Organisation.objects.visible_to(principal).filter(
            kind__in=[
                "warning_office",
                "direct_bureau",
                "inspection_body",
                "port",
                "partner_agency",
                "national_authority",
            ]
        )


class RewardProposalForm(forms.Form):
    amount = forms.DecimalField(label=_("奖励金额（元）"), min_value=0.01, max_digits=10, decimal_places=2)
    eligibility = forms.CharField(label=_("奖励依据（举报属实的情况）"), widget=forms.Textarea(attrs={"rows": 2}))


class RewardDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结果"),
        choices=[("1", _("批准")), ("0", _("不予奖励"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("批准金额（元，留空：按提议）"), min_value=0.01, max_digits=10, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 2}))


class RewardPaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DatePicker())
    reference = forms.CharField(label=_("发放凭证号"), max_length=100)


class LinkFilterForm(forms.Form):
    """The link queue's filters (issue 26): status, kind, source system, notification dates, product words, score."""

    status = forms.ChoiceField(label=_("状态"), choices=LinkStatus.choices, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=BLANK + LinkKind.choices, required=False)
    system = forms.ChoiceField(label=_("来源系统"), choices=BLANK + list(EXTERNAL_SYSTEMS.items()), required=False)
    q = forms.CharField(label=_("产品或标题关键词"), required=False, max_length=200)
    since = forms.DateField(label=_("通报日期自"), required=False, widget=DatePicker())
    until = forms.DateField(label=_("至"), required=False, widget=DatePicker())
    min_score = forms.FloatField(label=_("最低相似度"), required=False, min_value=0, max_value=1)
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=[("score", _("相似度从高到低")), ("newest", _("最新提出"))]
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("结束日期不能早于开始日期。"))
        return data


class LinkBulkForm(forms.Form):
    """What the queue's bulk buttons post: the ticked proposals and the action."""

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True, error_messages={
        "required": _("请先选择关联建议。")})  # fmt: skip
    action = forms.ChoiceField(choices=[("confirm", _("确认所选")), ("dismiss", _("排除所选"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is offered: the service decides which the officer may act on and reports the rest.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()
