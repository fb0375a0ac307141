"""Database helpers that depend on the backend."""

import fcntl
import os
import threading
from contextlib import contextmanager

from django.db import connections

_locks: dict[str, tuple[threading.Lock, int]] = {}
_guard = threading.Lock()


def _lock_for(path: str) -> tuple[threading.Lock, int]:
    with _guard:
        if path not in _locks:
            _locks[path] = (threading.Lock(), os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        return _locks[path]


@contextmanager
def serialized_write(using: str = "default"):
    """Around a write transaction on a hot path: on SQLite, wait for an OS lock first, so that concurrent writers
    (several worker processes and threads) queue in the kernel and each starts the moment the previous one
    released it. Without it they meet SQLite's busy handler, which polls in sleeps of 1, 2, 5, 10, 15, 20, 25 ms —
    the tail of the screening API (docs/decisions/0011). On other databases, and inside an outer transaction
    (which already holds the database's write lock), it does nothing."""
    connection = connections[using]
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or connection.in_atomic_block or not name or name.startswith(("file:", ":")):
        yield
        return
    lock, descriptor = _lock_for(f"{name}.write-lock")
    with lock:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
