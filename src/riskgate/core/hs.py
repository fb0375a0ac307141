"""Commodity codes as declarations carry them. China's customs tariff code has 10 digits (the HS subheading's 6,
then national subdivisions), and a declaration may add the 3 CIQ supplementary digits (13); other systems give
the HS chapter, heading or subheading (2, 4 or 6). The first six digits are the HS 2022 subheading everything
is grouped by; the full national code is kept beside it."""

import re

from django.utils.translation import gettext as _

NATIONAL_LENGTHS = (2, 4, 6, 8, 10, 13)


class CodeError(ValueError):
    pass


def split(code: str) -> tuple[str, str]:
    """(the HS code to group by — at most the 6-digit subheading —, the full national code or "")."""
    cleaned = re.sub(r"[\s.]", "", code or "")
    if not cleaned:
        return "", ""
    if not cleaned.isdigit() or len(cleaned) not in NATIONAL_LENGTHS:
        raise CodeError(
            _("商品编码 %s 应为 2、4、6 位 HS 编码，或 8、10 位税则号列（可带 3 位检验检疫附加码）。") % code
        )
    if len(cleaned) > 6:
        return cleaned[:6], cleaned
    return cleaned, ""
