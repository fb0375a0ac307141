"""Screening declarations for the single window: items checked by the exchange format, decided by the worker's
live engine, every decision stored with the rule versions that matched (ScreeningDecision), and every hit or random
selection opened as an inspection task at its port (targeting.services.inspection). The decisions
are the record of screening; they are not copied into the audit chain one by one (hundreds a second)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from riskgate.core.access import field_error, require
from riskgate.core.db import serialized_write
from riskgate.core.fastpath.bulk import insert_returning, new_instances
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, is_token

from .. import live
from ..engine import ACTIONS, FormatError, naive, parse_item, parse_policy, selected
from ..engine.catalogue import ACTION as CATALOGUE_ACTION
from ..engine.catalogue import REFERENCE as CATALOGUE_REFERENCE
from ..engine.catalogue import Catalogue, parse_certificates
from ..engine.exchange import RELEASE, STRENGTH, draw
from ..models import CatalogueVersion, ControlRule, ScreeningDecision
from . import catalogue as catalogues
from . import inspection
from .supervision import exchange_policy

MAX_DECLARATION_ITEMS = 1000
MAX_BATCH_ITEMS = 10_000


def screen(principal: Principal, payloads: list, *, one_declaration: bool) -> tuple[list[dict], int]:
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
    token = principal.token if is_token(principal) else None
    person = None if token else principal
    state = live.built()
    engine, version, policy = state["engine"], state["version"] or 0, state["policy"]
    results = engine.screen(items)
    if state.get("catalogue") is not None:
        check_catalogue(state["catalogue"], payloads, results)
    factors = [engine.policy.factor(item) for item in items] if engine.policy is not None else [None] * len(items)
    rows = [
        {
            "declaration_id": result["declaration_id"],
            "item_no": result["item_no"],
            "item": data,
            "action": result["action"],
            "matched_rules": result["matched_rules"],
            "rule_set_version": version,
            "screened_by_id": person.pk if person else None,
            "token_id": token.pk if token else None,
            "organisation_id": organisation.pk,
            "random": result.get("random", False),
            "policy_id": policy.pk if policy else None,
            "factor": factor,
        }
        for data, result, factor in zip(payloads, results, factors, strict=True)
    ]
    with serialized_write(), transaction.atomic():
        # The hot path of the single window: rows written by core.fastpath.bulk (one statement, values prepared by each
        # field) rather than bulk_create, whose per-value SQL assembly cost more than the screening itself.
        decisions = new_instances(ScreeningDecision, rows)
        insert_returning(decisions)
        inspection.open_for_decisions(decisions, state["rule_pks"], state["ports"], fallback=organisation)
    return results, version


def check_catalogue(catalogue: Catalogue, payloads: list, results: list[dict]) -> None:
    """Items of catalogue commodities without the certificate references their entry asks for: a document check
    (unless the rules ask for more: it is the weakest action), the catalogue version and the missing kinds named
    as matched references. Only the items of catalogue commodities are read one by one."""
    missing_of, references = catalogue.missing, catalogue.references
    for index in catalogue.listed([data["hs_code"] for data in payloads]):
        data = payloads[index]
        # The certificates were checked by parse_item: read as they are.
        missing = missing_of(data["hs_code"], data.get("certificates"), data["direction"])
        if missing:
            result = results[index]
            result["matched_rules"] = result["matched_rules"] + references[missing]
            if result["action"] == RELEASE:
                result["action"] = CATALOGUE_ACTION


def explain(decision: ScreeningDecision) -> dict:
    """A stored decision taken apart: each matched rule version's criteria checked again against the stored item,
    the sampling draws with the rates (scaled by the stored differential-supervision factor), and the random
    selection under the policy version that made it — and whether this reproduces the stored action."""
    item = parse_item(decision.item)
    factor = decision.factor if decision.factor is not None else 1.0
    policy = parse_policy(exchange_policy(decision.policy, with_records=False)) if decision.policy_id else None
    rules = []
    for reference in decision.matched_rules:
        listed = CATALOGUE_REFERENCE.fullmatch(str(reference))
        if listed:
            rules.append(_catalogue_entry(reference, int(listed[1]), listed[2], decision.item))
            continue
        rule = ControlRule.objects.by_reference(reference)
        if rule is None:
            rules.append({"reference": reference, "criteria": None, "holds": False})
            continue
        engine_rule = rule.engine_rule()
        entry = {"reference": reference, "criteria": rule.to_exchange(), "holds": naive.matches(engine_rule, item)}
        if rule.action == "sample":
            rate = policy.sample_rate(rule.sampling_rate, factor) if policy else rule.sampling_rate
            chance = draw(item.declaration_id, item.item_no, reference)
            entry["sampling"] = {
                "rate": rule.sampling_rate,
                "scaled_rate": rate,
                "draw": chance,
                "selected": selected(item.declaration_id, item.item_no, reference, rate),
            }
        rules.append(entry)
    explanation = {
        "declaration_id": decision.declaration_id,
        "item_no": decision.item_no,
        "action": decision.action,
        "rule_set_version": decision.rule_set_version,
        "factor": decision.factor,
        "rules": rules,
        "random": None,
    }
    strongest = max((STRENGTH[r["criteria"]["action"]] for r in rules if r.get("criteria")), default=0)
    expected = next((a for a in ACTIONS if STRENGTH[a] == strongest), "release")
    if decision.random and policy is not None:
        rate = policy.random_selection_rate(factor)
        chance = draw(item.declaration_id, item.item_no, policy.random_key)
        chosen = selected(item.declaration_id, item.item_no, policy.random_key, rate)
        explanation["random"] = {"policy": decision.policy.reference, "rate": rate, "draw": chance, "selected": chosen}
        expected = policy.random_action if chosen else "release"
    explanation["reproduced"] = expected == decision.action and all(
        r["holds"] and r.get("sampling", {}).get("selected", True) for r in rules
    )
    return explanation


def _catalogue_entry(reference: str, number: int, kind: str, item: dict) -> dict:
    """A catalogue reference of a stored decision, checked again against that catalogue version."""
    version = CatalogueVersion.objects.filter(number=number).first()
    if version is None:
        return {"reference": reference, "criteria": None, "holds": False}
    listed = catalogues.of_version(version)
    entry = listed.entry(item.get("hs_code", ""))
    criteria = {
        "catalogue": f"v{number}",
        "certificate": kind,
        "hs_prefixes": [p for p in listed.entries if item.get("hs_code", "").startswith(p)],
        "action": CATALOGUE_ACTION,
    }
    holds = entry is not None and kind in listed.missing(
        item.get("hs_code", ""), parse_certificates(item.get("certificates"))
    )
    return {"reference": reference, "criteria": criteria, "holds": holds}
