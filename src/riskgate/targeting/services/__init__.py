"""All writes of port control: control rules (rules: issue, change, retire, and the rule-set version workers
follow), screening declarations (screening), inspection tasks and outcomes (inspection), differential
supervision (supervision), retro-screening over the declaration history (retro). Callers use
`services.<name>` for the rules."""

from .rules import (
    bump,
    change,
    criteria_from_warning,
    investigate,
    issue,
    retire,
    retire_for_warning,
    retire_rules,
)

__all__ = [
    "bump",
    "change",
    "criteria_from_warning",
    "investigate",
    "issue",
    "retire",
    "retire_for_warning",
    "retire_rules",
]
