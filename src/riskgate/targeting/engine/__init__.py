"""Declaration screening against control rules (布控规则): the exchange format (exchange.py), the engine
(fast.py), the straightforward reference evaluator (naive.py) and the command line (cli.py). No Django import
anywhere in this package: it runs in any worker, and `riskgate screen` needs no database."""

from .exchange import ACTIONS, FormatError, Item, Rule, parse_item, parse_rule, selected
from .fast import Engine

__all__ = ["ACTIONS", "Engine", "FormatError", "Item", "Rule", "parse_item", "parse_rule", "selected"]
