"""The Celery application: embedded SQLite broker by default, Redis or RabbitMQ via CELERY_BROKER_URL."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskgate.settings")

app = Celery("riskgate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    # Periodic jobs; each is also a management command (see docs/operations.md).
    beat_schedule={
        "verify-audit-chain": {"task": "riskgate.core.tasks.verify_audit_chain", "schedule": crontab(minute=17)},
        "checkpoint-audit-chain": {
            "task": "riskgate.core.tasks.checkpoint_audit_chain",
            "schedule": crontab(minute="*/10"),
        },
        "purge-login-failures": {
            "task": "riskgate.accounts.tasks.purge_login_failures",
            "schedule": crontab(minute="*/30"),
        },
        "expire-stale-import-jobs": {
            "task": "riskgate.intake.tasks.expire_stale_import_jobs",
            "schedule": crontab(minute="*"),
        },
        "detect-pending-links": {
            "task": "riskgate.intake.tasks.detect_pending_links",
            "schedule": crontab(minute="*/5"),
        },
        "escalate-overdue-information": {
            "task": "riskgate.intake.tasks.escalate_overdue",
            "schedule": crontab(minute="*/15"),
        },
        "remind-and-escalate-assessments": {
            "task": "riskgate.assessment.tasks.remind_and_escalate",
            "schedule": crontab(minute="*/15"),
        },
        "lift-expired-warnings": {
            "task": "riskgate.response.tasks.lift_expired_warnings",
            "schedule": crontab(minute="*/5"),
        },
        "escalate-unanswered-warnings": {
            "task": "riskgate.warnings.tasks.escalate_unanswered",
            "schedule": crontab(minute="*/15"),
        },
        "follow-up-emergency-warnings": {
            "task": "riskgate.warnings.tasks.follow_up_emergencies",
            "schedule": crontab(minute="*/15"),
        },
        "send-warning-digests": {"task": "riskgate.warnings.tasks.send_digests", "schedule": crontab(minute="*/30")},
        "escalate-unpublished-warnings": {
            "task": "riskgate.warnings.tasks.escalate_unpublished",
            "schedule": crontab(minute="*/15"),
        },
        "escalate-overdue-measures": {
            "task": "riskgate.response.tasks.escalate_overdue_measures",
            "schedule": crontab(minute="*/15"),
        },
        "watch-recalls": {"task": "riskgate.response.tasks.watch_recalls", "schedule": crontab(minute=7, hour="*")},
        "escalate-obligations": {
            "task": "riskgate.response.tasks.escalate_obligations",
            "schedule": crontab(minute="*/15"),
        },
        "lift-expired-measures": {"task": "riskgate.response.tasks.lift_expired", "schedule": crontab(minute="*/5")},
        "export-declaration-history": {
            "task": "riskgate.targeting.tasks.export_history",
            "schedule": crontab(minute="*/10"),
        },
        "refresh-commodity-records": {
            "task": "riskgate.targeting.tasks.refresh_commodity_records",
            "schedule": crontab(minute=23, hour="*/6"),
        },
        "purge-rate-events": {"task": "riskgate.core.tasks.purge_rate_events", "schedule": crontab(minute=41)},
        "purge-exports": {"task": "riskgate.core.tasks.purge_exports", "schedule": crontab(minute="*/15")},
        # Every day (early morning): judge the last complete week of every monitored series (R-MON-5).
        "detect-signals": {"task": "riskgate.monitoring.tasks.detect_signals", "schedule": crontab(minute=35, hour=5)},
        # Every night: credit events fade and overrides end, so every grade is computed again (R-CRD-1).
        "recompute-credit-grades": {
            "task": "riskgate.credit.tasks.recompute_grades",
            "schedule": crontab(minute=50, hour=1),
        },
        # Supervised cases past their deadline and interview commitments past their due day (R-ENF-1).
        "escalate-enforcement-cases": {
            "task": "riskgate.enforcement.tasks.escalate_cases",
            "schedule": crontab(minute=13),
        },
        # Every night: a backup of the database and the stores, then the rotation (archive.backups).
        "take-backup": {"task": "riskgate.archive.tasks.take_backup", "schedule": crontab(minute=30, hour=2)},
        # The dashboards' tallies: the months changed since the last refresh, every 5 minutes; all of them nightly.
        "refresh-tallies": {"task": "riskgate.insight.tasks.refresh_tallies", "schedule": crontab(minute="*/5")},
        "rebuild-tallies": {"task": "riskgate.insight.tasks.rebuild_tallies", "schedule": crontab(minute=40, hour=1)},
        "generate-reports": {"task": "riskgate.insight.tasks.generate_reports", "schedule": crontab(minute=0, hour=6)},
        # Every morning: archive what closed and draft the disposal reviews of what is past retention (archive).
        "run-retention": {"task": "riskgate.archive.tasks.run_retention", "schedule": crontab(minute=15, hour=3)},
        "clear-expired-sessions": {
            "task": "riskgate.accounts.tasks.clear_expired_sessions",
            "schedule": crontab(minute=5, hour="*/6"),
        },
    },
)
app.autodiscover_tasks()
