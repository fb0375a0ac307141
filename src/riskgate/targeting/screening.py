"""Screening declarations for the single window: items checked by the exchange format, decided by the worker's
live engine, every decision stored with the rule versions that matched (ScreeningDecision), and every hit or random
selection opened as an inspection task at its port (targeting.inspection). The decisions
are the record of screening; they are not copied into the audit chain one by one (hundreds a second)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission

from . import inspection, live
from .engine import FormatError, parse_item
from .models import ScreeningDecision

MAX_DECLARATION_ITEMS = 1000
MAX_BATCH_ITEMS = 10_000


def screen(principal, payloads: list, *, one_declaration: bool) -> tuple[list[dict], int]:
    """The decision for each item, in order, and the rule-set version that decided. Nothing is stored unless
    every item is valid."""
    require(principal, Permission.TARGETING_SCREEN)
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        raise field_error("items", _("只有机构账户才能提交筛查。"))
    items = []
    for n, data in enumerate(payloads):
        try:
            items.append(parse_item(data))
        except FormatError as exc:
            raise ValidationError({f"items[{n}].{exc.field}": [exc.message]}) from None
    keys = [(item.declaration_id, item.item_no) for item in items]
    if len(set(keys)) != len(keys):
        raise field_error("items", _("同一报关单的商品项号重复。"))
    if one_declaration and len({item.declaration_id for item in items}) > 1:
        raise field_error("items", _("一次申报只能包含同一报关单的商品项；多份报关单请用批量接口。"))
    token = getattr(principal, "token", None) if getattr(principal, "is_api_token", False) else None
    person = None if token else principal
    state = live.built()
    engine, version, policy = state["engine"], state["version"] or 0, state["policy"]
    results = engine.screen(items)
    with transaction.atomic():
        decisions = ScreeningDecision.objects.bulk_create(
            [
                ScreeningDecision(declaration_id=result["declaration_id"], item_no=result["item_no"], item=data,
                                  action=result["action"], matched_rules=result["matched_rules"],
                                  rule_set_version=version, screened_by=person, token=token,
                                  organisation=organisation, random=result.get("random", False), policy=policy)
                for data, result in zip(payloads, results, strict=True)
            ]
        )  # fmt: skip
        inspection.open_for_decisions(decisions, state["rule_pks"], fallback=organisation)
    return results, version
