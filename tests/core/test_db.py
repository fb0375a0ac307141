"""core.db.serialized_write: on SQLite, writers wait for each other on an OS lock (threads of one process and
other processes alike); elsewhere it does nothing."""

import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from riskgate.core.db import serialized_write

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def test_threads_take_turns(db):
    inside, overlaps = [], []

    def writer():
        with serialized_write():
            inside.append(1)
            if len(inside) > 1:
                overlaps.append(len(inside))
            time.sleep(0.02)
            inside.pop()

    threads = [threading.Thread(target=writer) for _ in range(5)]  # each thread has its own connection
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_another_process_waits_for_the_lock(db, tmp_path):
    connection.in_atomic_block = False  # as outside the test's transaction
    name = connection.settings_dict["NAME"]
    lock = f"{name}.write-lock"
    code = (
        f"import fcntl, os, time; fd = os.open({lock!r}, os.O_RDWR | os.O_CREAT); t = time.time(); "
        "fcntl.flock(fd, fcntl.LOCK_EX); print(time.time() - t)"
    )
    try:
        with serialized_write():
            other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
            time.sleep(0.3)
        waited = float(other.communicate(timeout=10)[0])
    finally:
        connection.in_atomic_block = True
    assert waited >= 0.2
