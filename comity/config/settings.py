"""Django settings for Comity.

Every setting is read from the environment with a working default, so that ``make demo`` runs on a fresh
machine with an embedded SQLite database. ``.env.example`` documents each variable.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from comity.config.backends import cache, database, media_storage
from comity.config.beat import SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("COMITY_DEBUG", True)
INSECURE_SECRET_KEY = "insecure-development-key-change-me-in-production"
SECRET_KEY = os.environ.get("COMITY_SECRET_KEY", INSECURE_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_SECRET_KEY:
    raise ImproperlyConfigured("Set COMITY_SECRET_KEY to a long random string when COMITY_DEBUG is false.")
ALLOWED_HOSTS = env_list("COMITY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("COMITY_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin, whose edits make the cached page parts stale (comity/web/admin_site.py).
    "comity.web.admin_site.ComityAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "health_check",
    "comity.accounts",
    "comity.structure",
    "comity.jobs",
    "comity.audit",
    "comity.notifications",
    "comity.appeals",
    "comity.consultations",
    "comity.decisions",
    "comity.budgeting",
    "comity.activities",
    "comity.volunteers",
    "comity.ngos",
    "comity.privacy",
    "comity.web",
    "comity.demo",
    "axes",
    "csp",
]

MIDDLEWARE = [
    # First, so that everything logged while a request runs carries its id (comity/config/requestlog.py).
    "comity.config.requestlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: pages get the Content-Security-Policy, static files (answered above) do not need it.
    "csp.middleware.CSPMiddleware",
    # Pages and API answers gzipped, with Django's BREACH padding; files and static files not (ADR 0014).
    "comity.foundation.compression.CompressPages",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A browser that wrote reads from the primary for a few seconds (only with a replica: comity/foundation/replica.py).
    "comity.foundation.replica.PrimaryAfterWrite",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the account read from the cache when the session verifies (comity/accounts/authentication.py).
    "comity.accounts.authentication.CachedAuthenticationMiddleware",
    # A signed-in user's POST changes their own version: My account's cached part is fresh on their next page.
    "comity.accounts.activity.UserActivity",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "comity.appeals.middleware.InlineDeadlineChecks",
    "comity.accounts.sessions.IdleSessionTimeout",
    # Last, as django-axes asks: it turns a lockout into the "try again later" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "comity.config.urls"
WSGI_APPLICATION = "comity.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comity.web.context_processors.navigation",
            ],
        },
    },
]

DATA_DIR = Path(os.environ.get("COMITY_DATA_DIR", PROJECT_DIR / "var"))
# PostgreSQL connections: persistent for COMITY_DB_CONN_MAX_AGE seconds, or — COMITY_DB_POOL=true — from Django's
# own pool (COMITY_DB_POOL_MIN_SIZE, COMITY_DB_POOL_MAX_SIZE, COMITY_DB_POOL_TIMEOUT; comity/config/backends.py).
COMITY_DB_POOL = env_bool("COMITY_DB_POOL", False)
DATABASES = {
    "default": database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'comity.sqlite3'}", pool=COMITY_DB_POOL
    )
}
# A streaming replica (a PostgreSQL hot standby of the primary): the read-heavy pages read from it
# (comity/foundation/replica.py, ADR 0015); writes, and the reads of a browser that wrote in the last
# COMITY_REPLICA_PIN_SECONDS, stay on the primary. In the tests it mirrors the test database.
if os.environ.get("COMITY_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = database(os.environ["COMITY_REPLICA_DATABASE_URL"], pool=COMITY_DB_POOL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["comity.foundation.replica.ReplicaRouter"]
COMITY_REPLICA_PIN_SECONDS = int(os.environ.get("COMITY_REPLICA_PIN_SECONDS", "10"))
# X-Comity-Database: replica|default on the pages that may read from the replica (to check a deployment).
COMITY_DATABASE_HEADER = env_bool("COMITY_DATABASE_HEADER", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (password, HTTP Basic, one-time code) of a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "comity.accounts.backends.SignInCodeBackend",
]

# Password guessing (django-axes): after COMITY_LOGIN_FAILURE_LIMIT wrong attempts in a row for one username,
# or from one address, signing in is refused for COMITY_LOGIN_COOLOFF_MINUTES (each new failure restarts the
# wait); committee staff can unlock a resident's account earlier (docs/permissions.md). Behind a reverse proxy,
# set AXES_IPWARE_PROXY_COUNT (COMITY_PROXY_COUNT) so that the address is the client's, not the proxy's.
AXES_FAILURE_LIMIT = int(os.environ.get("COMITY_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("COMITY_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "comity.accounts.lockout.locked_out"
# No reset on a successful sign-in: one's own login from the same address must not wipe the count of guesses.
AXES_VERBOSE = False
# Never keep what was typed into these fields in the record of failed attempts.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code", "new_password1", "new_password2"]
if os.environ.get("COMITY_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["COMITY_PROXY_COUNT"])

# Sessions end after this many minutes without a request: shorter for anyone who acts for a subject or the
# street (their account sees the registry), longer for residents and owners.
COMITY_IDLE_MINUTES_STAFF = int(os.environ.get("COMITY_IDLE_MINUTES_STAFF", "30"))
COMITY_IDLE_MINUTES_RESIDENT = int(os.environ.get("COMITY_IDLE_MINUTES_RESIDENT", str(24 * 60)))
# A one-time sign-in code that committee staff hand to a resident without e-mail is valid this long.
COMITY_SIGN_IN_CODE_HOURS = int(os.environ.get("COMITY_SIGN_IN_CODE_HOURS", "24"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = os.environ.get("COMITY_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("COMITY_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
#: One date format per language ("7 Dec 2026, 14:05", "2026年12月7日 14:05"); templates use the named formats.
FORMAT_MODULE_PATH = ["comity.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("COMITY_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("COMITY_MEDIA_ROOT", DATA_DIR / "media"))
# Static files. A deployment (COMITY_DEBUG=false) runs `comity manage collectstatic` once per release: WhiteNoise's
# manifest storage writes every file under a name with its content's hash, compressed (gzip, and Brotli when the
# brotli module is installed), and WhiteNoise serves the hashed names with a one-year immutable Cache-Control and
# the compressed copy the browser accepts. `comity serve` refuses to start without the manifest. The demo and the
# tests (no collectstatic step) serve the files straight from the apps and pip packages (htmx comes from
# django-htmx) through the finders, with Django's plain storage. COMITY_STATIC_MANIFEST chooses explicitly.
COMITY_STATIC_MANIFEST = env_bool("COMITY_STATIC_MANIFEST", not DEBUG)
WHITENOISE_USE_FINDERS = env_bool("COMITY_STATIC_USE_FINDERS", not COMITY_STATIC_MANIFEST)
with contextlib.suppress(OSError):  # a read-only file system: WhiteNoise then serves from the finders only
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploads (appeal photos, receipt scans): the local file system under MEDIA_ROOT, or — COMITY_S3_BUCKET set — an
# S3-compatible store shared by every server (django-storages; MinIO, Ceph, a cloud's object storage). Either way a
# permission-checked view hands the file out without a worker streaming it (comity/foundation/uploads.py): a signed
# URL valid for COMITY_MEDIA_URL_SECONDS, or nginx's X-Accel-Redirect to COMITY_MEDIA_ACCEL_REDIRECT (an internal
# location whose alias is MEDIA_ROOT).
COMITY_S3_BUCKET = os.environ.get("COMITY_S3_BUCKET", "")
COMITY_MEDIA_URL_SECONDS = int(os.environ.get("COMITY_MEDIA_URL_SECONDS", "60"))
COMITY_MEDIA_ACCEL_REDIRECT = os.environ.get("COMITY_MEDIA_ACCEL_REDIRECT", "")
STORAGES = {
    "default": media_storage(COMITY_S3_BUCKET, url_seconds=COMITY_MEDIA_URL_SECONDS),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if COMITY_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Spreadsheet uploads stay small: a registry of a few thousand units is well under this.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
COMITY_IMPORT_MAX_BYTES = int(os.environ.get("COMITY_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# Pol.is conversations (votes.json/comments.json, votes.csv/comments.csv, or a .zip) are larger: this bounds the
# upload and, for a .zip, what it unpacks to.
COMITY_POLIS_IMPORT_MAX_BYTES = int(os.environ.get("COMITY_POLIS_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))

EMAIL_BACKEND = os.environ.get("COMITY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Password-reset links sent by e-mail stay valid this long (Django's PASSWORD_RESET_TIMEOUT, in seconds).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("COMITY_PASSWORD_RESET_SECONDS", str(3 * 60 * 60)))
# The local demo serves uploaded files (e.g. receipt scans) itself with DEBUG off; a real server never should
# (its web server serves MEDIA_ROOT, or uploads are behind permission-checked views).
COMITY_SERVE_MEDIA = env_bool("COMITY_SERVE_MEDIA", False)
DEFAULT_FROM_EMAIL = os.environ.get("COMITY_DEFAULT_FROM_EMAIL", "comity@localhost")
# Outgoing mail through an SMTP server (COMITY_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("COMITY_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("COMITY_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("COMITY_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("COMITY_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("COMITY_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("COMITY_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
# Server errors are e-mailed to the administrators (the mail_admins handler in LOGGING) with DEBUG off:
# COMITY_ADMINS="Ops <ops@example.org>, dev@example.org"; from SERVER_EMAIL.
ADMINS = [
    (name or address, address) for name, address in getaddresses(env_list("COMITY_ADMINS", "")) if address
]
SERVER_EMAIL = os.environ.get("COMITY_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = os.environ.get("COMITY_EMAIL_SUBJECT_PREFIX", "[Comity] ")

# The cache: Redis when REDIS_URL is set (shared by every server and worker), else each process's own memory. A
# Redis that is down or unreachable never fails a page: comity.foundation.redis_cache logs the error, answers as a
# cache that holds nothing, and leaves Redis alone for COMITY_REDIS_RETRY_SECONDS before trying again; the short
# socket timeouts bound what a blackholed Redis costs a request.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {"default": cache(REDIS_URL)}
# Sessions are read from the cache and written through to the database (a Redis restart signs nobody out); a
# session is kept in the cache for at most COMITY_SESSION_CACHE_SECONDS, so the database stays the authority — a
# sign-out during a Redis outage cannot be undone by a copy the cache kept. Expired sessions are deleted by the
# beat schedule's "sessions-clear" (comity.accounts.clear_expired_sessions; without beat: `comity manage clearsessions`).
SESSION_ENGINE = "comity.accounts.session_store"
COMITY_SESSION_CACHE_SECONDS = int(os.environ.get("COMITY_SESSION_CACHE_SECONDS", "300"))

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
# Without a broker (the embedded demo, the tests) tasks run inline; with Redis they go to Celery workers.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Work is queued through the outbox (comity/jobs, docs/jobs.md). No work is lost when a worker dies: a task is
# acknowledged after it ran (redelivered if the worker was killed), a worker takes one message at a time, and a
# lost broker connection cancels the tasks it was running so that they are redelivered too.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request never waits on an unreachable broker: one connection attempt (no retries, max_retries 0), bounded
# connect and socket timeouts, no publish retries; the outbox's sweep publishes what the broker missed.
COMITY_BROKER_CONNECT_SECONDS = float(os.environ.get("COMITY_BROKER_CONNECT_SECONDS", "1"))
CELERY_BROKER_CONNECTION_TIMEOUT = COMITY_BROKER_CONNECT_SECONDS
# A message a killed worker had taken (not acknowledged) goes back to the queue after this many seconds; longer
# than any task runs (a task redelivered while it still runs is harmless: they are idempotent).
COMITY_BROKER_VISIBILITY_SECONDS = int(os.environ.get("COMITY_BROKER_VISIBILITY_SECONDS", "600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": COMITY_BROKER_CONNECT_SECONDS,
    "socket_timeout": 5,
    "visibility_timeout": COMITY_BROKER_VISIBILITY_SECONDS,
    # Look for such messages every 10 seconds (kombu's default scans every 100).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_PUBLISH_RETRY = False
# After a failed publish, requests leave their jobs to the sweep for this many seconds instead of trying again.
COMITY_JOBS_BREAKER_SECONDS = float(os.environ.get("COMITY_JOBS_BREAKER_SECONDS", "10"))
# A notification delivery still pending this long lost its task; beat's retry of deliveries queues it again.
COMITY_NOTIFICATIONS_STALE_SECONDS = int(os.environ.get("COMITY_NOTIFICATIONS_STALE_SECONDS", "600"))
# Without celery beat (the embedded demo), the first request of every five minutes runs the deadline check.
COMITY_INLINE_JOBS = env_bool("COMITY_INLINE_JOBS", False)

# Health (docs/operations.md): /health/ answers everyone 200 or 503; which check failed only platform staff or a
# monitor sending "Authorization: Bearer $COMITY_HEALTH_TOKEN" (empty: staff only). django-health-check's checks.
COMITY_HEALTH_TOKEN = os.environ.get("COMITY_HEALTH_TOKEN", "")
HEALTH_CHECKS: list[str | tuple[str, dict[str, object]]] = [
    "health_check.checks.Database",
    "health_check.checks.Cache",
    # Media: a file written, read and deleted through the default storage.
    "health_check.checks.Storage",
    # The Celery broker; with CELERY_TASK_ALWAYS_EAGER it passes and says that tasks run inline.
    "comity.config.health.Broker",
    # A worker ran beat's heartbeat task lately; no queued job waits too long for the broker (comity/jobs/health.py;
    # both pass when tasks run inline).
    "comity.jobs.health.WorkerHeartbeatCheck",
    "comity.jobs.health.OutboxBacklogCheck",
]

# A service that writes without recording an audit entry (comity/foundation/services.py): in development and in
# the tests the write is refused and rolled back, so the omission is found; in production it is logged instead.
COMITY_AUDIT_STRICT = env_bool("COMITY_AUDIT_STRICT", DEBUG)
CELERY_BEAT_SCHEDULE = SCHEDULE  # comity/config/beat.py
COMITY_UNUSUAL_ACCESS_PEOPLE = int(os.environ.get("COMITY_UNUSUAL_ACCESS_PEOPLE", "200"))

# The API uses the browser session. HTTP Basic (a password in every request) is accepted only while developing
# or when COMITY_API_BASIC_AUTH is true; wrong Basic passwords count towards the same lockout as the login page.
COMITY_API_BASIC_AUTH = env_bool("COMITY_API_BASIC_AUTH", DEBUG)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        *(["rest_framework.authentication.BasicAuthentication"] if COMITY_API_BASIC_AUTH else []),
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's own two, the browsable one without the inline style the Content-Security-Policy refuses.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "comity.config.renderers.BrowsableAPIRenderer",
    ],
    # One shape for every error, a 400 for bad paging, a schema that documents both (comity/web/api*.py).
    "DEFAULT_SCHEMA_CLASS": "comity.foundation.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "comity.foundation.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "comity.foundation.api.Pagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Comity API",
    "DESCRIPTION": "Urban community governance built on interest coordination.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get components of their own, without the read-only fields of the answers.
    "COMPONENT_SPLIT_REQUEST": True,
    # Appeals and subjects both have a `kind`, several apps a `status`, budgets a `rule` in several places: one
    # named enum per choice set, so the schema has no collision.
    "ENUM_NAME_OVERRIDES": {
        "AppealKindEnum": "comity.appeals.models.AppealKind",
        "AppealStatusEnum": "comity.appeals.models.STATUS_CHOICES",
        "DecisionStatusEnum": "comity.decisions.models.DecisionStatus",
        "ConsultationStatusEnum": "comity.consultations.models.ConsultationStatus",
        "CycleStatusEnum": "comity.budgeting.models.CycleStatus",
        "ProposalStatusEnum": "comity.budgeting.models.ProposalStatus",
        "BudgetRuleEnum": "comity.budgeting.models.Rule",
    },
}

# HTTPS (docs/deployment.md). A deployment (COMITY_DEBUG=false) is served over HTTPS behind a reverse proxy, so by
# default it redirects plain HTTP, sends HSTS for a year (with subdomains and the preload token — a browser preloads
# only a domain its owner submitted to the preload list), and marks the session and CSRF cookies Secure. Each has
# its own variable; COMITY_HTTPS=false turns them all off (a trial on a machine's own address, the smoke test).
COMITY_HTTPS = env_bool("COMITY_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("COMITY_SSL_REDIRECT", COMITY_HTTPS)
# Monitors and load balancers may probe the health checks over plain HTTP on the server's own port.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^health/"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("COMITY_HSTS_SECONDS", str(365 * 24 * 3600) if COMITY_HTTPS else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("COMITY_HSTS_INCLUDE_SUBDOMAINS", COMITY_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("COMITY_HSTS_PRELOAD", COMITY_HTTPS)
# Behind a reverse proxy that terminates TLS: the header it sets to "https" (the nginx example sets
# X-Forwarded-Proto, overwriting what the client sent). Never set it without such a proxy: a client could claim HTTPS.
if os.environ.get("COMITY_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["COMITY_PROXY_SSL_HEADER"].strip().upper().replace("-", "_"),
        "https",
    )
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("COMITY_SECURE_COOKIES", COMITY_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts only from files this server serves — no inline <script>, no event
# handler attributes, no eval (htmx is told so by the htmx-config meta tag in web/base.html) — and nothing from
# another origin. Stylesheets come only from this server too (no <style> elements; htmx's indicator style is off),
# but style="" attributes are allowed (style-src-attr 'unsafe-inline'): the pages draw bars and chart colours with
# computed widths and custom properties, and an attribute cannot run script or select other elements, while every
# value in it comes from the server's own figures, escaped by the templates. Uploads in an S3-compatible store are
# shown from the store's signed URLs: its origin is allowed for images (COMITY_CSP_MEDIA_SOURCES adds others, e.g. a
# CDN in front of the store). Tested in tests/apps/test_serving.py and tests/browser/test_csp.py.
_CSP_MEDIA_SOURCES = env_list("COMITY_CSP_MEDIA_SOURCES", "")
if COMITY_S3_BUCKET and os.environ.get("COMITY_S3_ENDPOINT_URL"):
    _store = urlsplit(os.environ["COMITY_S3_ENDPOINT_URL"])
    _virtual = os.environ.get("COMITY_S3_ADDRESSING_STYLE") == "virtual"  # the bucket as a subdomain
    _CSP_MEDIA_SOURCES.append(
        f"{_store.scheme}://{COMITY_S3_BUCKET + '.' if _virtual else ''}{_store.netloc}"
    )
elif COMITY_S3_BUCKET:  # Amazon S3 itself: bucket.s3.amazonaws.com or bucket.s3.<region>.amazonaws.com
    _CSP_MEDIA_SOURCES.append("https://*.amazonaws.com")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_CSP_MEDIA_SOURCES],
        "media-src": ["'self'", *_CSP_MEDIA_SOURCES],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Logs go to standard error (systemd's journal, the container's log). COMITY_LOG_JSON=true writes one JSON object
# a line — time, level, logger, message, request_id — for a log collector; gunicorn's access log follows the same
# switch (comity/config/gunicorn.py). Server errors (django.request) are also e-mailed to ADMINS with DEBUG off.
COMITY_LOG_JSON = env_bool("COMITY_LOG_JSON", False)
# Celery's worker and beat keep these handlers (and so the JSON lines) instead of installing their own text format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not COMITY_LOG_JSON
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "comity.config.requestlog.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if COMITY_LOG_JSON else "plain",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("COMITY_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "level": "ERROR", "propagate": False},
        # Warnings (a refused CSRF token, …) to the log; errors (suspicious operations) e-mailed too.
        "django.security": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        # Scanners send any Host header; logged, but no e-mail for each (the nginx example refuses unknown hosts).
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Notifications (docs/notifications.md). Links in e-mails and SMS start with the site's address. The default SMS
# backend is a development fake that only stores messages in an outbox; it is not connected to any provider.
COMITY_SITE_URL = os.environ.get("COMITY_SITE_URL", "http://127.0.0.1:8000")
COMITY_SMS_BACKEND = os.environ.get("COMITY_SMS_BACKEND", "comity.notifications.channels.FakeSmsChannel")
