"""The straightforward evaluator: every rule against every item, criterion by criterion, as the exchange format
defines a match. The reference the fast engine is tested against (tests/targeting/test_screening_engine.py) and the
benchmark's baseline (bench/screening)."""

from .exchange import RELEASE, STRENGTH, Item, Rule, result, rule_sort_key, selected


def matches(rule: Rule, item: Item) -> bool:
    """Every criterion the rule sets holds (an empty list sets none); within a list any entry may hold."""
    if rule.direction != "any" and rule.direction != item.direction:
        return False
    if rule.hs_prefixes and not any(item.hs_code.startswith(prefix) for prefix in rule.hs_prefixes):
        return False
    if rule.origin_countries and item.origin_country not in rule.origin_countries:
        return False
    if rule.enterprise_ids and not any(e in rule.enterprise_ids for e in item.enterprise_ids):
        return False
    if rule.ports and item.port not in rule.ports:
        return False
    if rule.keywords and not any(keyword in item.description for keyword in rule.keywords):
        return False
    if rule.min_value is not None and item.value < rule.min_value:
        return False
    if rule.max_value is not None and item.value > rule.max_value:
        return False
    if rule.valid_from is not None and item.declared_at < rule.valid_from:
        return False
    return rule.valid_to is None or item.declared_at < rule.valid_to


def screen(rules: list[Rule], item: Item, policy=None) -> dict:
    """The result for one item; with a differential-supervision policy (supervision.py) sampling rates are scaled
    by the item's factor, and an item no rule hits may be selected at random."""
    factor = policy.factor(item) if policy is not None else 1.0

    def rate(rule: Rule) -> float:
        return policy.sample_rate(rule.sampling_rate, factor) if policy is not None else rule.sampling_rate

    matched = [
        rule
        for rule in rules
        if matches(rule, item)
        and (rule.action != "sample" or selected(item.declaration_id, item.item_no, rule.id, rate(rule)))
    ]
    chance = policy.random_selection_rate(factor) if policy is not None else 0.0
    if not matched and policy is not None and selected(item.declaration_id, item.item_no, policy.random_key, chance):
        return {**result(item, [], policy.random_action), "random": True}
    action = max((rule.action for rule in matched), key=STRENGTH.__getitem__, default=RELEASE)
    return result(item, sorted((rule.id for rule in matched), key=rule_sort_key), action)
