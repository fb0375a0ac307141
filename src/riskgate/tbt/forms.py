"""Forms of technical trade measures: registering a notification, importing a file, a comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.core.forms import DatePicker

from .models import Kind, Status

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class NotificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    symbol = forms.CharField(label=_("文件编号"), max_length=60, help_text=_("如 G/TBT/N/TTO/121/Rev.1"))
    member = forms.CharField(label=_("通报成员"), max_length=3, help_text=_("ISO 3166 两位代码；欧盟为 EU"))
    title = forms.CharField(label=_("标题"), max_length=500)
    title_en = forms.CharField(label=_("英文标题"), max_length=500, required=False)
    products = forms.CharField(label=_("覆盖的产品"), widget=forms.Textarea(attrs={"rows": 2}))
    hs_codes = forms.CharField(label=_("HS 编码"), max_length=500, help_text=_("2–10 位数字，多个以分号分隔"))
    objective = forms.CharField(label=_("目的和理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    distributed_on = forms.DateField(label=_("分发日期"), required=False, widget=DatePicker())
    comment_deadline = forms.DateField(label=_("评议截止日期"), required=False, widget=DatePicker())
    adoption_on = forms.DateField(label=_("拟批准日期"), required=False, widget=DatePicker())
    in_force_on = forms.DateField(label=_("拟生效日期"), required=False, widget=DatePicker())
    status = forms.ChoiceField(label=_("状态"), choices=Status.choices)
    url = forms.URLField(label=_("原文链接"), max_length=500, required=False, assume_scheme="https")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("通报文件（CSV 或 JSON）"),
        help_text=_("格式见 docs/decisions/0028；同一文件重复导入不产生重复记录"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件过大：上限为 2 MiB。"))
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError(_("请上传 .csv 或 .json 文件。"))
        return upload


class CommentForm(forms.Form):
    text = forms.CharField(label=_("评议意见"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
