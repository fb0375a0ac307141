"""Forms of traceability: the trace query (a scanned or typed code, or a GTIN with its lot or serial) and the
upload of an EPCIS document from a browser."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskgate.core.text import validate_text

from . import epcis

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


class TraceQueryForm(forms.Form):
    code = forms.CharField(
        label=_("扫码或粘贴条码内容"),
        max_length=400,
        required=False,
        help_text=_("GS1 数字链接（https://…/01/商品条码/10/批号）、GS1 元素串（(01)…(10)…）或 EPC 标识"),
    )
    gtin = forms.CharField(label=_("商品条码 (GTIN)"), max_length=14, required=False)
    item = forms.CharField(label=_("批号或序列号"), max_length=20, required=False, validators=[validate_text])

    def clean(self):
        data = super().clean()
        code = (data.get("code") or "").strip()
        if code:
            read = epcis.read_code(code)
            if read is None:
                raise forms.ValidationError(
                    {"code": _("无法识别该条码内容：请扫描商品上的二维码或条码，或分别填写商品条码和批号。")}
                )
            data["gtin"], item = read
            data["item"] = item or (data.get("item") or "").strip()
        gtin = (data.get("gtin") or "").strip()
        if not gtin:
            raise forms.ValidationError({"gtin": _("请填写商品条码，或扫描商品上的条码。")})
        if not epcis.valid_gtin(gtin):
            raise forms.ValidationError({"gtin": _("商品条码应为8、12、13或14位数字，且校验位正确。")})
        data["gtin"] = epcis.gtin14(gtin)
        data["item"] = (data.get("item") or "").strip()
        if not data["item"]:
            raise forms.ValidationError({"item": _("请填写批号或序列号（印在商品或包装上）。")})
        return data


class CaptureUploadForm(forms.Form):
    document = forms.FileField(
        label=_("EPCIS 2.0 文档（JSON / JSON-LD）"),
        help_text=_("一个 EPCISDocument 或单个事件；整份文档校验通过才保存，任何一个事件有误则全部不保存"),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("文件过大：上限为 2 MiB。"))
        return upload.read()
