"""Django settings, read from the environment; safe for production unless DEBUG is asked for."""

import hmac
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("RISKGATE_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The demo and the tests set RISKGATE_DEV; a production server refuses to start without a key.
_DEV = DEBUG or env_bool("RISKGATE_DEV", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not _DEV and not env_bool("RISKGATE_ALLOW_INSECURE_KEY", False):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set (or DEBUG=1 / RISKGATE_DEV=1 for development).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if _DEV else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "riskgate.core",
    "riskgate.accounts",
    "riskgate.credit",
    "riskgate.enforcement",
    "riskgate.intake",
    "riskgate.assessment",
    "riskgate.monitoring",
    "riskgate.warnings",
    "riskgate.targeting.apps.TargetingConfig",
    "riskgate.tbt",
    "riskgate.response",
    "riskgate.trace",
    "riskgate.archive",
    "riskgate.insight",
    "riskgate.site",
    "django.forms",  # the form renderer finds Django's own form templates beside the project's overrides
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "riskgate.core.middleware.RequestSizeLimitMiddleware",
    "riskgate.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "riskgate.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "riskgate.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "riskgate.site.urls"
WSGI_APPLICATION = "riskgate.wsgi.application"

# Forms render through the project's templates, so templates/django/forms/ gives every form its error summary
# and required markers (decision 0017).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "riskgate.site.navigation.navigation",
            ],
        },
    },
]

# SQLite by default (zero set-up); PostgreSQL through DATABASE_URL (postgres://...).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'riskgate.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Test databases, like production ones, must have a UTF-8 encoding whatever template1 has.
    DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (accounts.services.authenticate_with_throttle).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

# Sessions: idle expiry (renewed on every request) plus an absolute limit.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Behind TLS (the production default) cookies are secure and HSTS is sent.
USE_TLS = env_bool("USE_TLS", not _DEV)
SESSION_COOKIE_SECURE = USE_TLS
CSRF_COOKIE_SECURE = USE_TLS
SECURE_SSL_REDIRECT = USE_TLS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if USE_TLS else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if USE_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = USE_TLS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# Request bodies: a clear 413 above this size (core.middleware.RequestSizeLimitMiddleware).
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if _DEV
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = _DEV
# Uploaded evidence lives outside the web root and is served only through scoped views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "files")))

FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")

# The Ed25519 key that signs credit-sharing packages (credit.sharing): a seed of any length, kept apart from
# SECRET_KEY in production; without it one is derived from SECRET_KEY.
CREDIT_SHARING_KEY = env_str("CREDIT_SHARING_KEY")

# The audit chain's HMAC key and its checkpoint file: both outside the database (core/audit.py, decision 0014).
# Without AUDIT_CHAIN_KEY the key is derived from SECRET_KEY; set it on its own so that a SECRET_KEY rotation
# leaves the chain verifiable. Keep the checkpoint file on storage the database's administrators cannot rewrite.
AUDIT_CHAIN_KEY = (
    env_str("AUDIT_CHAIN_KEY") or hmac.new(SECRET_KEY.encode(), b"riskgate-audit-chain", "sha256").hexdigest()
)
AUDIT_CHECKPOINT_FILE = Path(env_str("AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")))

# Per process by default (public pages, the public data version). CACHE_URL=redis://… shares one cache between
# the web processes, so a public page rendered by one is served by all. CACHE_MAX_ENTRIES bounds the per-process
# cache (a portal page is about 15 KB: 5,000 pages ≈ 75 MB per process).
if env_str("CACHE_URL").startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
    }

# Background work. The default broker is embedded (SQLite through SQLAlchemy): no server needed.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")


def _default_result_backend(broker: str) -> str:
    if broker.startswith(("redis://", "rediss://")):
        return broker
    if broker.startswith(("amqp://", "pyamqp://")):
        return "rpc://"
    return f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"


CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or _default_result_backend(CELERY_BROKER_URL)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# An import job's worker renews its lease every third of this; a job whose lease ran out is taken over by the
# redelivered task or, a lease later, failed by the scheduler (intake/jobs.py).
IMPORT_JOB_LEASE_SECONDS = env_int("IMPORT_JOB_LEASE_SECONDS", 60)
# Bounds of one imported file (intake/importers/reading.py; docs/operations.md): a file over any of them is refused
# as a whole, before a row of it is stored. The largest real export (RASFF, 2020–2024) has 21,871 rows.
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_EXPANDED_BYTES = env_int("IMPORT_MAX_EXPANDED_BYTES", 300 * 1024 * 1024)  # an XLSX, unzipped
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 250_000)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 10_000_000)
IMPORT_REPORT_SAMPLE = env_int("IMPORT_REPORT_SAMPLE", 100)  # rejections kept in the stored report; the rest in a file
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE

# Where the real public data of ../shared/data is read from (demo and tests).
RISKGATE_SHARED_DATA = Path(env_str("RISKGATE_SHARED_DATA", str(PROJECT_DIR.parent / "shared" / "data")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every PDF step at INFO; fontTools reports each font subset.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "riskgate@localhost")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if _DEV else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
RISKGATE_BASE_URL = env_str("RISKGATE_BASE_URL", "http://127.0.0.1:8000")
# The <sender> of every CAP message this installation emits (a stable, unique address of the issuing system).
RISKGATE_CAP_SENDER = env_str("RISKGATE_CAP_SENDER", "warnings@riskgate.invalid")
# Subscriptions: at most this many messages an hour per subscriber, the rest in a digest; webhooks may point into
# private networks only where this is set (development, closed networks).
RISKGATE_SUBSCRIPTION_HOURLY_LIMIT = env_int("RISKGATE_SUBSCRIPTION_HOURLY_LIMIT", 10)
RISKGATE_WEBHOOK_ALLOW_PRIVATE = env_bool("RISKGATE_WEBHOOK_ALLOW_PRIVATE", False)

SITE_TITLE = _("RiskGate 进出口商品质量安全风险预警")

# Public channels: rate limits per client address (counted in the database, shared by all workers).
PUBLIC_REPORTS_PER_HOUR = env_int("PUBLIC_REPORTS_PER_HOUR", 5)
RECEIPT_LOOKUPS_PER_HOUR = env_int("RECEIPT_LOOKUPS_PER_HOUR", 20)

# Evidence files: checked by content, stored under MEDIA_ROOT (outside the web root; no URL serves it).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 10)
# Multipart bodies (forms with files) may be larger than other requests.
MAX_UPLOAD_BODY_BYTES = env_int("MAX_UPLOAD_BODY_BYTES", 3 * EVIDENCE_MAX_BYTES + 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

# Long lists exported by background jobs (core.exports): files outside the web root, each kept for its owner
# EXPORT_TTL_HOURS and then deleted by purge_exports; a job running longer than EXPORT_STALE_MINUTES is failed.
EXPORT_DIR = Path(env_str("EXPORT_DIR", str(VAR_DIR / "exports")))
EXPORT_TTL_HOURS = env_int("EXPORT_TTL_HOURS", 24)
EXPORT_STALE_MINUTES = env_int("EXPORT_STALE_MINUTES", 30)
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 1_000_000)

# Declaration history for retro-screening (追溯调查): Parquet parts appended by export_declaration_history.
DECLARATION_HISTORY_DIR = Path(env_str("DECLARATION_HISTORY_DIR", str(VAR_DIR / "declaration-history")))
# How long a file merged into a larger part stays on disk for a retro-screening that listed it before the merge.
DECLARATION_HISTORY_GRACE_SECONDS = env_int("DECLARATION_HISTORY_GRACE_SECONDS", 3600)

# Backups (archive.backups): the database and the stores, each in a folder of BACKUP_DIR, taken nightly by the
# scheduler and by `manage.py backup`; the rotation keeps the newest of each of the latest days, ISO weeks and months.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
# Each backup's manifest carries an HMAC-SHA256 under this key: a changed manifest (and so any changed file) is found.
# Derived from SECRET_KEY when unset; set it on its own so that a SECRET_KEY rotation leaves old backups verifiable.
BACKUP_SIGNING_KEY = (
    env_str("BACKUP_SIGNING_KEY") or hmac.new(SECRET_KEY.encode(), b"riskgate-backup", "sha256").hexdigest()
)
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 4)
BACKUP_KEEP_MONTHLY = env_int("BACKUP_KEEP_MONTHLY", 12)

# The archive's retention periods (regulation Art.31): ordinary records three years after they closed; major cases
# long-term (this many years); typical cases permanently. A review's records are disposed of only once a second
# officer approves it.
ARCHIVE_RETENTION_YEARS = env_int("ARCHIVE_RETENTION_YEARS", 3)
ARCHIVE_LONG_TERM_YEARS = env_int("ARCHIVE_LONG_TERM_YEARS", 30)
