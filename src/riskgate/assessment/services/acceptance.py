"""Writes of third-party result acceptance (decision 0029): an institution's acceptance scopes — added, narrowed,
suspended or resumed as the risk calls for it, always with the reason — and its violations with what followed
(a warning, every scope suspended, or exit from the registry). Authorised and audited."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person
from riskgate.core.text import validate_text

from ..acceptance import items_of
from ..models import AcceptanceScope, BodyViolation, RegisteredBody, ViolationConsequence


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请写明调整理由（如风险变化、能力验证结果）。"))
    validate_text(reason)
    return reason


@transaction.atomic
def set_scope(
    principal: Principal,
    body: RegisteredBody,
    *,
    hs_prefix: str,
    category: str,
    test_items,
    reason: str,
    suspended: bool = False,
    scope: AcceptanceScope | None = None,
) -> AcceptanceScope:
    """Add a scope, or change one (its items, or suspend / resume it), with the reason."""
    require(principal, Permission.ASSESSMENT_ACCEPTANCE_MANAGE)
    user = require_person(principal)
    if not body.third_party:
        raise field_error("hs_prefix", _("只有第三方机构需要采信范围；官方实验室在登记有效期内均可采信。"))
    hs_prefix = str(hs_prefix or "").replace(".", "").strip()
    if not (hs_prefix.isdigit() and 2 <= len(hs_prefix) <= 10):
        raise field_error("hs_prefix", _("HS 编码应为 2–10 位数字。"))
    category = (category or "").strip()
    if not category:
        raise field_error("category", _("请填写商品类别。"))
    items = items_of(test_items)
    if not items:
        raise field_error("test_items", _("请至少填写一个检测项目。"))
    reason = _reason(reason)
    if scope is None:
        scope = AcceptanceScope(body=body)
        before = {}
    else:
        if scope.body_id != body.pk:
            raise ValidationError(_("该采信范围不属于此机构。"))
        before = audit.snapshot(scope, ["hs_prefix", "category", "test_items", "suspended"])
    scope.hs_prefix, scope.category, scope.test_items = hs_prefix, category[:200], items
    scope.suspended, scope.reason, scope.changed_by = bool(suspended), reason, user
    scope.save()
    audit.record(
        actor=principal,
        action="assessment.acceptance_changed" if before else "assessment.acceptance_added",
        obj=body.organisation,
        changes=audit.diff(before, audit.snapshot(scope, ["hs_prefix", "category", "test_items", "suspended"])),
        reason=reason,
    )
    return scope


@transaction.atomic
def record_violation(
    principal: Principal, body: RegisteredBody, *, occurred_on: dt.date, description: str, consequence: str
) -> BodyViolation:
    """A violation and its consequence: a suspension suspends every scope, an exit ends the acceptance."""
    require(principal, Permission.ASSESSMENT_ACCEPTANCE_MANAGE)
    user = require_person(principal)
    description = (description or "").strip()
    if not description:
        raise field_error("description", _("请写明违规情形。"))
    validate_text(description)
    if consequence not in ViolationConsequence.values:
        raise field_error("consequence", _("请选择处理方式。"))
    if not isinstance(occurred_on, dt.date):
        raise field_error("occurred_on", _("请填写发生日期。"))
    body = RegisteredBody.objects.select_for_update().get(pk=body.pk)
    if body.exited_on is not None:
        raise field_error("consequence", _("该机构已退出采信名录。"))
    violation = BodyViolation.objects.create(
        body=body, occurred_on=occurred_on, description=description, consequence=consequence, recorded_by=user
    )
    if consequence == ViolationConsequence.SUSPENSION:
        body.scopes.update(suspended=True, reason=description, changed_by=user)
    elif consequence == ViolationConsequence.EXIT:
        body.exited_on, body.exit_reason, body.accepted = occurred_on, description, False
        body.save(update_fields=["exited_on", "exit_reason", "accepted"])
    audit.record(
        actor=principal,
        action="assessment.violation_recorded",
        obj=body.organisation,
        changes=audit.facts(consequence=consequence, occurred_on=occurred_on),
        reason=description,
    )
    return violation
