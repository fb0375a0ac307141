"""Settings for the test suite: development defaults, fast hashing, eager background tasks."""

import os

os.environ.setdefault("RISKGATE_DEV", "1")
os.environ.setdefault("USE_TLS", "0")

from riskgate.settings import *  # noqa: E402,F403

# Argon2 stays the default in production; tests check it is configured (test_auth) but hash fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "memory://")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: locking then behaves as in production (busy timeout, WAL).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# Uploaded files of the tests go to a temporary folder, never into var/files.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="riskgate-test-files-")

# Tests deliver webhooks to a receiver on 127.0.0.1.
RISKGATE_WEBHOOK_ALLOW_PRIVATE = True

# The declaration history of retro-screening: a temporary folder per run.
DECLARATION_HISTORY_DIR = tempfile.mkdtemp(prefix="riskgate-test-history-")

# The audit chain's checkpoints: a file per run that only the tests which write checkpoints fill (each with
# its own file), so that the development machine's var/audit-checkpoints.jsonl is never read or written.
AUDIT_CHECKPOINT_FILE = Path(tempfile.mkdtemp(prefix="riskgate-test-audit-")) / "checkpoints.jsonl"  # noqa: F405

# Exported files (core.exports): a temporary folder per run.
EXPORT_DIR = Path(tempfile.mkdtemp(prefix="riskgate-test-exports-"))  # noqa: F405
