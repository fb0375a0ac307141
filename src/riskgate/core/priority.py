"""Bulk background work that must not slow the web tier (exports, compaction): it runs in a thread of its own that
has lowered its CPU priority to the idle class, so it uses only CPU time nobody else wants. On Linux the
scheduling policy and the nice value belong to a thread, so the worker process that called keeps its own priority
for the tasks that follow; threads the work starts (DuckDB's) inherit the lowered one."""

import os
import threading
from contextlib import suppress

from django.db import connections

IDLE_NICE = 19


def lower_this_thread() -> None:
    """Lower the calling thread to the idle scheduling class (SCHED_IDLE) and nice 19 where the system allows it;
    elsewhere (not Linux, or refused) the work runs at the priority it has."""
    tid = threading.get_native_id()
    with suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, tid, IDLE_NICE)
    with suppress(AttributeError, OSError):
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))


def at_low_priority(function, /, *args, **kwargs):
    """Call function(*args, **kwargs) in a new thread at the lowest CPU priority and return its result (or raise
    its exception). The thread's own database connections are closed when it ends."""
    outcome: dict = {}

    def body():
        try:
            lower_this_thread()
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=body, name="riskgate-low-priority", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
