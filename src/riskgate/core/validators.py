"""Validators of Chinese identifiers: unified social credit code (GB 32100-2015), customs code."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_SHAPE = re.compile(rf"^[{USCC_CHARSET}]{{2}}\d{{6}}[{USCC_CHARSET}]{{10}}$")


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code, from the first seventeen."""
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="uscc_length")
    if not _USCC_SHAPE.match(value):
        raise ValidationError(
            _(
                "统一社会信用代码含有不允许的字符（只能为数字和除 I、O、Z、S、V 以外的大写字母，"
                "第3至8位为行政区划代码）。"
            ),
            code="uscc_charset",
        )
    if uscc_check_character(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位错误。"), code="uscc_check")


_CUSTOMS_CODE = re.compile(r"^[0-9]{4}[0-9A-Z]{6}$")


def validate_customs_code(value: str) -> None:
    """Customs registration code (海关注册编码): 4-digit region of registration, then 6 characters."""
    if not _CUSTOMS_CODE.match(value or ""):
        raise ValidationError(
            _("海关注册编码应为10位：前4位为注册地行政区划代码，后6位为数字或大写字母。"), code="customs_code"
        )
