"""Django settings for Comity.

Every setting is read from the environment with a working default, so that ``make demo`` runs on a fresh
machine with an embedded SQLite database. ``.env.example`` documents each variable.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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
    "django.contrib.admin",
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
    "comity.accounts",
    "comity.structure",
    "comity.audit",
    "comity.notifications",
    "comity.appeals",
    "comity.consultations",
    "comity.decisions",
    "comity.budgeting",
    "comity.web",
    "comity.demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'comity.sqlite3'}",
        conn_max_age=int(os.environ.get("COMITY_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0

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
# WhiteNoise serves static files straight from the apps and pip packages (htmx comes from django-htmx),
# so the demo and the browser tests need no collectstatic step. Production may run collectstatic and turn
# this off for speed.
WHITENOISE_USE_FINDERS = env_bool("COMITY_STATIC_USE_FINDERS", True)
with contextlib.suppress(OSError):  # a read-only file system: WhiteNoise then serves from the finders only
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "COMITY_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
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

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
# Without a broker (the embedded demo, the tests) tasks run inline; with Redis they go to Celery workers.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Without celery beat (the embedded demo), the first request of every five minutes runs the deadline check.
COMITY_INLINE_JOBS = env_bool("COMITY_INLINE_JOBS", False)

# A service that writes without recording an audit entry (comity/foundation/services.py): in development and in
# the tests the write is refused and rolled back, so the omission is found; in production it is logged instead.
COMITY_AUDIT_STRICT = env_bool("COMITY_AUDIT_STRICT", DEBUG)
# Supervision of appeal deadlines (warnings before, escalation after) runs every five minutes under celery beat.
CELERY_BEAT_SCHEDULE = {
    "appeal-deadlines": {"task": "comity.appeals.check_deadlines", "schedule": 300.0},
    # Opinion maps are queued by every vote; this sweep only catches up on tasks a broker outage lost.
    "consultation-analyses": {"task": "comity.consultations.recompute_dirty_analyses", "schedule": 60.0},
    # Decisions whose voting time is over close and publish their result.
    "decisions-close": {"task": "comity.decisions.close_due_decisions", "schedule": 60.0},
    "budgets-close": {"task": "comity.budgeting.close_due_cycles", "schedule": 60.0},
}

# The API uses the browser session. HTTP Basic (a password in every request) is accepted only while developing
# or when COMITY_API_BASIC_AUTH is true; wrong Basic passwords count towards the same lockout as the login page.
COMITY_API_BASIC_AUTH = env_bool("COMITY_API_BASIC_AUTH", DEBUG)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        *(["rest_framework.authentication.BasicAuthentication"] if COMITY_API_BASIC_AUTH else []),
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("COMITY_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("COMITY_LOG_LEVEL", "WARNING")},
}

# Notifications (docs/notifications.md). Links in e-mails and SMS start with the site's address. The default SMS
# backend is a development fake that only stores messages in an outbox; it is not connected to any provider.
COMITY_SITE_URL = os.environ.get("COMITY_SITE_URL", "http://127.0.0.1:8000")
COMITY_SMS_BACKEND = os.environ.get("COMITY_SMS_BACKEND", "comity.notifications.channels.FakeSmsChannel")
