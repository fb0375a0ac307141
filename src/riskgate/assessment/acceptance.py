"""Third-party result acceptance (第三方检验结果采信, R-USE-4, decision 0029): whether the results of an institution
may be accepted for a commodity (its HS code) and a test item, and if not, the one sentence that says why.

Official laboratories (registered, not third-party) are accepted for everything while their registration is in
force; a third-party institution only within an active acceptance scope — a commodity category given as an HS
prefix and the test items listed for it. Test items are compared without case, spaces or punctuation."""

import re

from django.utils.translation import gettext as _

_NOISE = re.compile(r"[\s\-_·.,，、（）()]+")
_SPLIT = re.compile(r"[,，、;；\n]+")


def items_of(text) -> list[str]:
    """Test items written in one text (separated by commas, enumeration commas, semicolons or lines), or a list."""
    values = text if isinstance(text, list) else _SPLIT.split(str(text or ""))
    return sorted({str(v).strip()[:200] for v in values if str(v).strip()})


def normal(item: str) -> str:
    return _NOISE.sub("", str(item)).casefold()


def refusal(name: str, body, scopes, hs_code: str, test_item: str) -> str | None:
    """None when the results may be accepted; otherwise why not (in the active language). `body` is the
    institution's RegisteredBody or None, `scopes` its acceptance scopes."""
    if body is None:
        return _("%(name)s 不是登记的检验检测机构，其结果不予采信。") % {"name": name}
    if body.exited_on is not None:
        return _("%(name)s 已于 %(day)s 退出采信名录，其结果不予采信。") % {"name": name, "day": body.exited_on}
    if not body.usable:
        return _("%(name)s 的采信资格已撤销或过期，其结果不予采信。") % {"name": name}
    if not body.third_party:
        return None
    code = str(hs_code or "").replace(".", "")
    if not code:
        return _("商品的 HS 编码不明，无法确认 %(name)s 的采信范围。") % {"name": name}
    wanted = normal(test_item)
    for scope in scopes:
        if (
            code.startswith(scope.hs_prefix)
            and not scope.suspended
            and any(normal(i) == wanted for i in scope.test_items)
        ):
            return None
    if any(code.startswith(s.hs_prefix) and s.suspended for s in scopes):
        return _("%(name)s 对 HS %(code)s 商品的采信已暂停，其结果不予采信。") % {"name": name, "code": code}
    return _("%(name)s 未获准对 HS %(code)s 商品的“%(item)s”项目出具可采信的结果。") % {
        "name": name,
        "code": code,
        "item": test_item,
    }
