"""The screening engine each worker process uses, rebuilt from the active control rules when they change.

A worker reads the rule-set version (one integer, RuleSetState) at most every POLL_SECONDS; a different number
means rules were issued, changed or retired (or the differential-supervision policy, a credit grade or a
commodity record changed, or a port office), and the engine is rebuilt from the database (10,000 rules: about a
second of reading and 12 ms of compiling, bench/screening). So a change takes effect in every running worker
within POLL_SECONDS plus the rebuild: one second for the rule sets this project targets (tests/targeting/test_rules.py).
The port offices (port code -> the organisation that works it) are read with the rules, so a screening request
does not query them (they are reference data: a change to one bumps the version too); so is the newest version
of the legal-inspection catalogue (a new version bumps the rule-set version, decision 0031)."""

import gc
import logging
import threading
import time

from django.db import DatabaseError

from riskgate.credit import queries as credit_queries

from .engine import Engine, parse_policy
from .models import ControlRule, PortOffice, RuleSetState, RuleStatus
from .services import catalogue, supervision

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5
FREEZE_AT = 1_000  # rules from which the engine is frozen out of the collector's scans
_lock = threading.Lock()
_state = {
    "engine": Engine([]),
    "version": None,
    "grades": None,
    "checked": float("-inf"),
    "rule_pks": {},
    "policy": None,
    "ports": {},
    "catalogue": None,
}


def engine() -> Engine:
    """The engine of the active rules, at most POLL_SECONDS behind the database."""
    return current()[0]


def current() -> tuple[Engine, int]:
    """The engine and the rule-set version it was built from."""
    now = time.monotonic()
    if now - _state["checked"] < POLL_SECONDS:
        return _state["engine"], _state["version"]
    return _refresh(now)


def built() -> dict:
    """What the current engine was built from: {"engine", "version", "rule_pks": {reference: pk}, "policy",
    "ports": {port code: organisation id}}."""
    current()
    with _lock:  # a consistent copy: a rebuild changes its fields under the lock
        return dict(_state)


def warm() -> bool:
    """Build the engine now, as a server worker starts (riskgate.gunicorn_conf), so that no request waits for it.
    A database that cannot be read yet (not migrated) leaves it to the first request: False."""
    try:
        current()
    except DatabaseError as exc:
        log.warning("screening engine not built at start (built on first use instead): %s", exc)
        return False
    return True


def _refresh(now: float) -> tuple[Engine, int]:
    with _lock:
        if now - _state["checked"] >= POLL_SECONDS:
            version = RuleSetState.objects.filter(pk=1).values_list("version", flat=True).first() or 0
            grades = credit_queries.version()
            if version != _state["version"] or grades != _state["grades"]:
                rules = list(ControlRule.objects.filter(status=RuleStatus.ACTIVE).order_by("id"))
                policy = supervision.current_policy()
                exchange = parse_policy(supervision.exchange_policy(policy)) if policy else None
                _state["engine"] = Engine([rule.engine_rule() for rule in rules], exchange)
                _state["rule_pks"] = {rule.reference: rule.pk for rule in rules}
                _state["policy"] = policy
                _state["ports"] = dict(PortOffice.objects.values_list("code", "organisation_id"))
                _state["catalogue"] = catalogue.newest()
                _state["version"], _state["grades"] = version, grades
                # A large engine is hundreds of thousands of long-lived objects without cycles: out of the cyclic
                # collector's reach, or every full collection scans them all (100 ms pauses, bench/screening).
                if len(_state["engine"]) >= FREEZE_AT:
                    gc.collect()  # today's garbage first: what is frozen is never collected
                    gc.freeze()
            _state["checked"] = time.monotonic()
        return _state["engine"], _state["version"]


def reset() -> None:
    """Forget the engine (tests that rebuild the database)."""
    with _lock:
        _state.update(
            engine=Engine([]),
            version=None,
            grades=None,
            checked=float("-inf"),
            rule_pks={},
            policy=None,
            ports={},
            catalogue=None,
        )
