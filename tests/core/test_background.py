"""Background work: the worker answers through the embedded SQLite broker and through Redis."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def round_trip(tmp_path, broker_env: dict) -> subprocess.CompletedProcess:
    """Start a real worker with the given broker, send the health task, and stop the worker."""
    env = {
        **os.environ,
        "RISKGATE_DEV": "1",
        "DJANGO_SETTINGS_MODULE": "riskgate.settings",
        "RISKGATE_VAR_DIR": str(tmp_path),
        **broker_env,
    }
    env.pop("DATABASE_URL", None)
    celery = Path(sys.executable).with_name("celery")
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [
                str(celery),
                "-A",
                "riskgate",
                "worker",
                "--concurrency",
                "1",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "-n",
                f"test{time.time_ns()}@%h",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # Wait until the worker has created the broker's tables and listens, as a deployment would.
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            assert worker.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "worker did not start: " + log.read_text(errors="replace")
            time.sleep(0.2)
        return subprocess.run(
            [sys.executable, "manage.py", "check_worker", "--timeout", "60"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_worker_answers_through_the_embedded_sqlite_broker(tmp_path):
    result = round_trip(tmp_path, {"CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "answered through the broker" in result.stdout


@pytest.mark.broker
def test_worker_answers_through_redis(tmp_path):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis at 127.0.0.1:6379 is required in CI")
        pytest.skip("no Redis at 127.0.0.1:6379")
    result = round_trip(tmp_path, {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_worker_fails_clearly_when_no_worker_answers(tmp_path):
    env = {
        **os.environ,
        "RISKGATE_DEV": "1",
        "DJANGO_SETTINGS_MODULE": "riskgate.settings",
        "RISKGATE_VAR_DIR": str(tmp_path),
    }
    env["CELERY_BROKER_URL"] = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check_worker", "--timeout", "2"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "No worker answered" in result.stderr


@pytest.mark.django_db
def test_periodic_jobs_are_scheduled_and_run():
    from riskgate.celery import app
    from riskgate.core.tasks import verify_audit_chain

    app.loader.import_default_modules()  # what a worker does at start: import every app's tasks

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled == {
        "riskgate.core.tasks.verify_audit_chain",
        "riskgate.core.tasks.checkpoint_audit_chain",
        "riskgate.intake.tasks.expire_stale_import_jobs",
        "riskgate.intake.tasks.detect_pending_links",
        "riskgate.accounts.tasks.purge_login_failures",
        "riskgate.accounts.tasks.clear_expired_sessions",
        "riskgate.intake.tasks.escalate_overdue",
        "riskgate.assessment.tasks.remind_and_escalate",
        "riskgate.warnings.tasks.escalate_unpublished",
        "riskgate.warnings.tasks.send_digests",
        "riskgate.warnings.tasks.escalate_unanswered",
        "riskgate.warnings.tasks.follow_up_emergencies",
        "riskgate.response.tasks.watch_recalls",
        "riskgate.core.tasks.purge_rate_events",
        "riskgate.core.tasks.purge_exports",
        "riskgate.targeting.tasks.export_history",
        "riskgate.response.tasks.lift_expired",
        "riskgate.response.tasks.lift_expired_warnings",
        "riskgate.response.tasks.escalate_obligations",
        "riskgate.response.tasks.escalate_overdue_measures",
        "riskgate.targeting.tasks.refresh_commodity_records",
        "riskgate.monitoring.tasks.detect_signals",
        "riskgate.credit.tasks.recompute_grades",
        "riskgate.archive.tasks.take_backup",
        "riskgate.archive.tasks.run_retention",
        "riskgate.insight.tasks.refresh_tallies",
        "riskgate.insight.tasks.rebuild_tallies",
        "riskgate.insight.tasks.generate_reports",
        "riskgate.enforcement.tasks.escalate_cases",
    }
    assert all(name in app.tasks for name in scheduled)
    assert verify_audit_chain.delay().get()["ok"] is True
