"""Declaration screening against control rules (布控规则): the exchange format (exchange.py), the engine
(fast.py), differential supervision (supervision.py), the straightforward reference evaluator (naive.py) and the
command line (cli.py). No Django import anywhere in this package: it runs in any worker, and `riskgate screen`
needs no database."""

from .exchange import ACTIONS, FormatError, Item, Rule, parse_item, parse_rule, selected
from .fast import Engine
from .supervision import Policy, parse_policy

__all__ = [
    "ACTIONS",
    "Engine",
    "FormatError",
    "Item",
    "Policy",
    "Rule",
    "parse_item",
    "parse_policy",
    "parse_rule",
    "selected",
]
