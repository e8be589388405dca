"""Settings for the quality-target portal.

One file, driven by the environment. With no environment at all the portal runs on the
embedded default: SQLite, Celery tasks run in-process (eager), local-memory cache. Production
sets DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS (see .env.example).
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# The placeholder is only acceptable while DEBUG is on; production must set its own key.
INSECURE_SECRET_KEY = "insecure-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", "") or INSECURE_SECRET_KEY
if not DEBUG and SECRET_KEY in {INSECURE_SECRET_KEY, "change-me", ""}:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a private random value when DEBUG is off (see .env.example)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "portal",
    "targets",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChosenLanguageMiddleware",
    # Before anything reads the body (RefuseNulCharacters reads the form).
    "portal.middleware.RefuseOversizedRequests",
    "portal.middleware.RefuseNulCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The largest request body each view accepts, refused before it is read (413): forms and JSON
# (a bulk import of a city's quarter included) up to REQUEST_MAX_BYTES; the upload views up to
# their files' own limits and a little more. nginx's client_max_body_size is the largest of these
# (deploy/nginx.conf).
_MB = 1024 * 1024
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_MB", "8")) * _MB
UPLOAD_REQUEST_LIMITS = {
    "assessments:excel_upload": 6 * _MB,  # a 5 MB workbook
    "assessments:rulebook_upload": 6 * _MB,
    "targets:draft_new": 6 * _MB,  # a 5 MB policy document
    "workspace:item": 51 * _MB,  # 5 evidence files of 10 MB
}
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.access",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Several requests (and the eager Celery tasks inside them) share one file: wait, not fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # django-redis, because it can carry on without Redis: a page that only reads through the
    # cache is computed afresh (slower) and the outage is logged, never shown to the user.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A reset link works for a day (Django's default is three).
PASSWORD_RESET_TIMEOUT = 24 * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling against password guessing, counted per account and per address apart: a run of
# failures at one account (from anywhere) locks that account, a run from one address (at any
# accounts) locks that address, for AXES_COOLOFF_TIME. Behind a reverse proxy the address is the
# client's as the proxy reports it (X-Forwarded-For), from TRUSTED_PROXY_COUNT trusted proxies;
# without it every request would share the proxy's address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"

# A signed-in session lasts a working day (SESSION_HOURS), and ends with the browser; an API
# token lasts API_TOKEN_HOURS and is revoked when its user's password changes.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "10")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
API_TOKEN_HOURS = float(os.environ.get("API_TOKEN_HOURS", "168"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production is HTTPS (TLS at nginx, which sets X-Forwarded-Proto): plain HTTP is redirected,
# browsers are told to stay on HTTPS (HSTS) and cookies travel only over it. An intranet that
# runs the portal over plain HTTP says so explicitly with PLAIN_HTTP=true, which turns these off
# (and `check --deploy` then warns about them, as it should).
PLAIN_HTTP = env_bool("PLAIN_HTTP", False)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not PLAIN_HTTP)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not PLAIN_HTTP)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not PLAIN_HTTP)
    SECURE_HSTS_SECONDS = int(
        os.environ.get("SECURE_HSTS_SECONDS", "0" if PLAIN_HTTP else str(365 * 24 * 3600))
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not PLAIN_HTTP)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not PLAIN_HTTP)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "portal.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "质量目标管理平台 API",
    "DESCRIPTION": "Quality-target portal: policies, targets, quarterly indicators, assessments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs describe the portal's data: readable only when signed in.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Token first, so that an anonymous request is told how to authenticate (401, not 403).
    "SERVE_AUTHENTICATION": [
        "portal.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The docs page loads its JavaScript from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: Redis in production; without REDIS_URL tasks run in-process, eagerly.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("CELERY_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message a killed worker never acknowledged goes back to the queue after this long (Redis's
# default is an hour): longer than the longest run (a national run takes seconds to minutes; a
# run still beating keeps the year, so a redelivered copy waits for it).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900"))
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "nightly-assessment": {
        "task": "assessments.tasks.nightly_assessment",
        "schedule": crontab(hour=2, minute=15),
    },
    # Re-scores owed after approvals that the broker missed (it was down): handed over again.
    "pending-rescores": {
        "task": "assessments.tasks.dispatch_pending_rescores",
        "schedule": 60.0,
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
# The portal's address as its users reach it, for links in e-mails (e.g. https://zlqq.example.gov.cn).
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Department progress reports (assessments.workspace): a quarter's report is due this many days
# after the quarter ends (10: the 10th of the month after it); reminders go out from this many
# days before. Evidence files: size per file, files per report, unpacked size of .docx/.xlsx.
PROGRESS_DUE_DAYS = int(os.environ.get("PROGRESS_DUE_DAYS", "10"))
PROGRESS_REMIND_DAYS_AHEAD = int(os.environ.get("PROGRESS_REMIND_DAYS_AHEAD", "7"))
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# Where reminder e-mails point to, e.g. https://portal.example.gov.cn (no link when empty).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")
CELERY_BEAT_SCHEDULE["progress-reminders"] = {
    "task": "assessments.tasks.send_progress_reminders",
    "schedule": crontab(hour=8, minute=30),
}
CELERY_BEAT_SCHEDULE["window-notices"] = {
    "task": "assessments.tasks.send_window_notices",
    "schedule": crontab(hour=8, minute=25),
}
CELERY_BEAT_SCHEDULE["season-reminders"] = {
    "task": "assessments.tasks.send_season_reminders",
    "schedule": crontab(hour=8, minute=35),
}
