"""Every write of credit, by sub-domain: `grades` (events, the computed grade, overrides, the nightly run) and
`lists` (red and black lists, publication, credit repair). The names callers use are here."""

from .grades import (
    decide_override,
    downgrade,
    end_override,
    propose_override,
    recompute,
    recompute_all,
    record_by_officer,
    record_event,
    withdraw_event,
)
from .lists import apply_repair, decide, decide_repair, expire, propose, revoke

__all__ = [
    "apply_repair",
    "decide",
    "decide_repair",
    "expire",
    "propose",
    "revoke",
    "decide_override",
    "downgrade",
    "end_override",
    "propose_override",
    "recompute",
    "recompute_all",
    "record_by_officer",
    "record_event",
    "withdraw_event",
]
