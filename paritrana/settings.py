"""Paritrana settings, read from the environment (12-factor).

Nothing set: DEBUG off (so SECRET_KEY is required), SQLite file db.sqlite3, Celery tasks run
in-process. `make run` sets DEBUG=1 for the local demo. Production sets DATABASE_URL (PostgreSQL)
and REDIS_URL (Celery broker, results and cache); see .env.example.
"""

from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# environ's bool parser silently maps anything unknown to False; a typo in DEBUG or a
# security flag must fail loudly instead.
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see .env.example; `make run` sets DEBUG=1)."
        )
    SECRET_KEY = "django-insecure-local-development-only-not-for-production-use"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "paritrana.admin.ParitranaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Project apps, lowest layer first: audit → accounts → candidates → scoring → ceremonies.
    "paritrana",
    "audit",
    "accounts",
    "candidates",
    "scoring",
    "ceremonies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "paritrana.middleware.IndonesianFirstLocaleMiddleware",
    "paritrana.middleware.NulByteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Issue 7: log refused authorisations, end idle and old sessions, require the second factor
    # of those who must use it (paritrana.middleware).
    "paritrana.middleware.SecurityLogMiddleware",
    "paritrana.middleware.PrivateNoStoreMiddleware",
    "paritrana.middleware.SessionTimeoutMiddleware",
    "paritrana.middleware.MfaRequiredMiddleware",
    "paritrana.middleware.RefusedFormMiddleware",
    # A file that does not fit on the disk: 503 and a message, not a 500 (paritrana/storage.py).
    "paritrana.middleware.StorageFullMiddleware",
]

ROOT_URLCONF = "paritrana.urls"
WSGI_APPLICATION = "paritrana.wsgi.application"
ASGI_APPLICATION = "paritrana.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "paritrana.navigation.navigation",
                "paritrana.context_processors.demo_data",
                "paritrana.context_processors.session_clock",
                "accounts.mfa.mfa_grace",
            ],
        },
    },
]

# Database: SQLite file by default; PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the ranking query's estimates over millions of scores made PostgreSQL
    # spend three seconds compiling a query that runs in one (bench/ranking.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.NationalAdminBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not just the award's name, a year or one character repeated ("paritrana2026", "aaaa…").
    {"NAME": "accounts.validators.DistinctCharactersValidator"},
    # Long passphrases are welcome; the cap only stops megabyte "passwords" (hashing cost).
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 1000}},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: accounts are created by the secretariat, never by self sign-up.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Login throttling: after LOGIN_FAILURES_ALLOWED failed logins for one account (or failed
# two-factor codes) within LOGIN_LOCKOUT_MINUTES, even the right password is refused until the
# oldest failure is that old; and at most LOGIN_FAILURES_PER_ADDRESS (default 10) failures a
# minute from one address.
LOGIN_FAILURES_ALLOWED = env_int("LOGIN_FAILURES_ALLOWED", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 10)
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{LOGIN_FAILURES_PER_ADDRESS}/m/ip,{LOGIN_FAILURES_ALLOWED}/{LOGIN_LOCKOUT_MINUTES}m/key"
    ),
}
# Behind a reverse proxy every request comes from the proxy's address: set TRUSTED_PROXY_COUNT
# to the number of proxies that append to X-Forwarded-For (usually 1), so that the per-address
# limit and the security log see the client's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={ALLAUTH_TRUSTED_PROXY_COUNT} is negative.")
# Two-factor authentication: required of everyone with a role (accounts.rules.must_use_mfa,
# enforced by paritrana.middleware.MfaRequiredMiddleware); at once of the secretariat, panel
# chairs, national jurors, staff and superusers, after MFA_GRACE_DAYS from their first login of
# everyone else (branch staff, panel members, auditors).
MFA_GRACE_DAYS = env_int("MFA_GRACE_DAYS", 7)
# Personal API tokens (accounts.ApiToken): valid API_TOKEN_DAYS by default, at most
# API_TOKEN_MAX_DAYS.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Paritrana"
# MFA_TOTP_TOLERANCE stays 0 (the current 30-second code only): allauth remembers a used code for
# one period, so accepting neighbouring periods would let a code be replayed.

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after the
# login (paritrana.middleware.SessionTimeoutMiddleware); the stored session expires with the
# latter at the latest.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
for _name, _value in (
    ("SESSION_IDLE_MINUTES", SESSION_IDLE_MINUTES),
    ("SESSION_MAX_HOURS", SESSION_MAX_HOURS),
    ("LOGIN_FAILURES_ALLOWED", LOGIN_FAILURES_ALLOWED),
    ("LOGIN_LOCKOUT_MINUTES", LOGIN_LOCKOUT_MINUTES),
    ("API_TOKEN_DAYS", API_TOKEN_DAYS),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name}={_value} must be at least 1.")
del _name, _value
if MFA_GRACE_DAYS < 0:
    raise ImproperlyConfigured(f"MFA_GRACE_DAYS={MFA_GRACE_DAYS} is negative.")
if API_TOKEN_MAX_DAYS < API_TOKEN_DAYS:
    raise ImproperlyConfigured(
        f"API_TOKEN_MAX_DAYS={API_TOKEN_MAX_DAYS} is below API_TOKEN_DAYS={API_TOKEN_DAYS}."
    )
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

# Internationalisation: Bahasa Indonesia first, English second; Indonesian formats
# (1.234.567; 17 Agustus 2026) come from paritrana/formats/.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["paritrana.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    # Removes what a failed write left (a full disk): paritrana/storage.py.
    "default": {"BACKEND": "paritrana.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Celery: a Redis broker and result backend when REDIS_URL is set, otherwise every task runs
# in-process (eagerly) so the embedded default needs no services.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis going away and coming back: the worker reconnects for as long as it takes (None: no limit
# on the attempts) instead of exiting after kombu's 100, and its consumer is restarted without the
# gossip and mingle steps (paritrana/celery.py): a restarted gossip step closes its channel on the
# connection that is gone and kills the worker with AttributeError 'NoneType' … 'hostname'.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker connection is lost cannot be acknowledged on the new connection:
# it is redelivered when its visibility timeout ends and does its work once (the tasks are
# idempotent); Celery 6 cancels such tasks instead, which this keeps from now on.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Time limits (seconds): past the soft limit the task gets SoftTimeLimitExceeded and fails its work
# cleanly; past the hard limit the worker kills the process. Every task is kept under the
# visibility timeout below, so that a task still running is never handed to a second worker.
CERTIFICATE_SOFT_TIME_LIMIT = env_int("CERTIFICATE_SOFT_TIME_LIMIT", 60)
CERTIFICATE_TIME_LIMIT = env_int("CERTIFICATE_TIME_LIMIT", 90)
# A spreadsheet check or import of 200,000 rows (the most a file may hold) takes about 100 s.
PARITRANA_IMPORT_SOFT_TIME_LIMIT = env_int("PARITRANA_IMPORT_SOFT_TIME_LIMIT", 240)
PARITRANA_IMPORT_TIME_LIMIT = env_int("PARITRANA_IMPORT_TIME_LIMIT", 270)
# A task whose worker died without acknowledging it (killed, out of memory, the container or the
# machine stopped) waits in Redis until it has been unacknowledged this long, then goes to the next
# worker (kombu's default: one hour). Longer than the longest task (the time limits above) and a
# retry's countdown (60 s): a task is never delivered twice while it runs (and if it were, a
# certificate is generated once under its row lock, an import task waits for its job's advisory
# lock, candidates/tasks.py). A pool process killed under a running worker is noticed at once
# (task_reject_on_worker_lost): its task goes back to the queue without this wait.
# A worker looks for such tasks every CELERY_RESTORE_INTERVAL seconds and scans Redis on every
# CELERY_RESTORE_THROTTLE-th look (kombu's defaults are 10 and 10: up to 100 s after the
# timeout; here 10 and 1, a scan being one sorted-set range query).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 5 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_RESTORE_THROTTLE", 1),
}
_LONGEST_TASK = max(CERTIFICATE_TIME_LIMIT, PARITRANA_IMPORT_TIME_LIMIT)
if CELERY_VISIBILITY_TIMEOUT <= _LONGEST_TASK:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT={CELERY_VISIBILITY_TIMEOUT} must exceed the longest task's "
        f"time limit ({_LONGEST_TASK} s), or a running task is delivered a second time."
    )
# Memory of a worker pool process: each one may map at most CELERY_WORKER_MEMORY_MB of data
# (RLIMIT_DATA, set as it starts: a task past it gets MemoryError and fails its job cleanly,
# instead of the kernel's out-of-memory killer stopping the whole worker), and a process that
# still holds more than CELERY_WORKER_MAX_MEMORY_PER_CHILD_MB after a task is replaced by a
# fresh one (memory a large import leaves fragmented goes back to the system).
CELERY_WORKER_MEMORY_MB = env_int("CELERY_WORKER_MEMORY_MB", 2048)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD_MB", 512) * 1024
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE

# Redis as a cache the site survives without (paritrana.cache): a Redis that does not answer
# within CACHE_TIMEOUT_SECONDS (default 0.5) is a miss, not an error. REDIS_CACHE_URL (default
# REDIS_URL) puts the cache in a Redis of its own: docker-compose.yml bounds that one's memory
# and lets it evict, while the task queue's Redis keeps everything (no eviction, on disk).
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="") or REDIS_URL
REDIS_CACHE_BACKEND = "paritrana.cache.ResilientRedisCache"
CACHE_TIMEOUT_SECONDS = float(env.str("CACHE_TIMEOUT_SECONDS", default="0.5"))
CACHES = {
    "default": (
        {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
            },
        }
        if REDIS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    # Deny by default: every API view names the permission it needs.
    "DEFAULT_PERMISSION_CLASSES": ["paritrana.api.DenyAll"],
    # Sessions for the browser (with CSRF checks), personal tokens (hashed, expiring, scoped to
    # one edition, read-only or read-write) for integrations.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    # Services raise Django's ValidationError; the API answers it as 400 with the field errors.
    "EXCEPTION_HANDLER": "paritrana.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "paritrana.api_schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Paritrana API",
    "DESCRIPTION": "Penghargaan Paritrana — API for nominations, scoring and published results.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RankLabelEnum": "candidates.enums.RankLabel",
        "CandidateKindEnum": "candidates.enums.CandidateKind",
        "RegencyKindEnum": "candidates.enums.RegencyKind",
        "BusinessScaleEnum": "candidates.enums.BusinessScale",
        "NominationStateEnum": "candidates.enums.NominationState",
        "LegalProductTypeEnum": "candidates.enums.LegalProductType",
    },
    # Separate request components, so that uploads are described as files (binary).
    "COMPONENT_SPLIT_REQUEST": True,
}

# Security. Production values come from the environment; `check --deploy --fail-level WARNING`
# passes with .env.example.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Strict: scripts and styles from our own files only. An inline script needs the request's nonce
# (`<script nonce="{{ request.csp_nonce }}">`), which NONCE adds to the header when a page uses
# it; the API documentation pages alone relax style-src (paritrana/urls.py). Proven by
# tests/security/test_headers.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Paritrana <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every step at INFO; refused URLs still show as warnings.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Uploads: legal-product PDFs up to this size (MB); larger request bodies are refused early.
# The public pages' cache (paritrana.public_cache): each process keeps up to PUBLIC_CACHE_LOCAL_MB
# of rendered pages in memory and reads the shared generation (Redis) at most every
# PUBLIC_CACHE_CHECK_SECONDS: the longest another process may go on serving the previous pages
# after results are published or a certificate is revoked.
PUBLIC_CACHE_CHECK_SECONDS = env.float("PUBLIC_CACHE_CHECK_SECONDS", default=1.0)
PUBLIC_CACHE_LOCAL_BYTES = env_int("PUBLIC_CACHE_LOCAL_MB", 32) * 1024 * 1024
PARITRANA_MAX_UPLOAD_MB = env_int("PARITRANA_MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Spreadsheet imports above this many rows run in a Celery task with a progress bar.
PARITRANA_IMPORT_ASYNC_ROWS = env_int("PARITRANA_IMPORT_ASYNC_ROWS", 2000)
# The most rows an XLSX export holds: openpyxl writes about 4,000 rows a second here, and the
# request must end within gunicorn's 30 s; the CSV export streams any number.
PARITRANA_XLSX_EXPORT_MAX_ROWS = env_int("PARITRANA_XLSX_EXPORT_MAX_ROWS", 50_000)
# Spreadsheet files up to this size (MB) are accepted for import (100,000 rows fit).
PARITRANA_IMPORT_MAX_MB = env_int("PARITRANA_IMPORT_MAX_MB", 50)
# An import task delivered this many times without finishing (its worker process was killed each
# time: out of memory, the hard time limit) is not tried again: its job fails and its file goes.
PARITRANA_IMPORT_MAX_DELIVERIES = env_int("PARITRANA_IMPORT_MAX_DELIVERIES", 3)
# An import still checking or importing this long after it was queued has lost its task (the
# queue lost with Redis's data, a worker gone for good): its page fails it, and removes its file.
# Longer than its deliveries can take: each waits up to the visibility timeout and its time limit.
PARITRANA_IMPORT_STUCK_SECONDS = env_int(
    "PARITRANA_IMPORT_STUCK_SECONDS",
    PARITRANA_IMPORT_MAX_DELIVERIES * (CELERY_VISIBILITY_TIMEOUT + PARITRANA_IMPORT_TIME_LIMIT)
    + 10 * 60,
)
