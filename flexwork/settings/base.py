"""Settings shared by every environment. Values come from environment variables.

Every variable is listed in `.env.example` and documented in `docs/settings.md`.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local `.env` is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: only true/false/1/0/yes/no. Anything else is an error,
    so that a typo such as DJANGO_DEBUG=flase never silently means True (healthchecks' envbool)."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use true or false)")


# ---------------------------------------------------------------------------- core
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env_bool("DJANGO_DEBUG", False)
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key (no default here: see local/test)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ROOT_URLCONF = "flexwork.urls"
WSGI_APPLICATION = "flexwork.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
SITE_ID = 1
SITE_NAME = "FlexWork"

# ---------------------------------------------------------------------------- apps
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "csp",
    # FlexWork: cross-cutting apps live inside the project package
    "flexwork.common",
    "flexwork.accounts",
    "flexwork.outbox",
    "flexwork.notifications",
    "flexwork.api",
    "flexwork.health",
    "flexwork.org",
    "flexwork.approvals",
    "flexwork.onboarding",
    "flexwork.reports",
    # FlexWork: domain apps
    "schedules",
    "attendance",
    "performance",
    "shifts",
    "leave",
    "allowances",
]

MIDDLEWARE = [
    # First: every later middleware's log line and every response carries the request id.
    "flexwork.common.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "flexwork.common.middleware.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "flexwork.common.middleware.UserLanguageMiddleware",
    "flexwork.common.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "flexwork.accounts.middleware.MfaEnrolmentMiddleware",
    "pghistory.middleware.HistoryMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "flexwork.common.context_processors.flexwork",
                "flexwork.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# ---------------------------------------------------------------------------- database
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/flexwork")}
# Each request is one transaction, so outbox rows and on_commit hooks follow the request (HackSoft).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections, checked before reuse so a restarted PostgreSQL is noticed (503, then recovery).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
# The hot paths' prepared statements (flexwork.common.db) keep one generic plan per session. Left to choose,
# PostgreSQL plans the approval queue's again on every EXECUTE (its generic estimate, the page size unknown, looks
# dearer than the custom plans), which costs more than running it. Only server-side prepared statements and
# PL/pgSQL's are planned this way; psycopg2 sends every other query as text, planned each time as before.
# A pooler that refuses startup options: set DATABASE_PLAN_CACHE_OPTIONS to "" and the same on the database role
# (docs/deployment.md).
PLAN_CACHE_OPTIONS = env.str("DATABASE_PLAN_CACHE_OPTIONS", default="-c plan_cache_mode=force_generic_plan")
if PLAN_CACHE_OPTIONS:
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(None, [DATABASES["default"]["OPTIONS"].get("options"), PLAN_CACHE_OPTIONS])
    )
# A streaming replica, when there is one: report aggregation reads from it, everything else (every
# write, every page's read) stays on the primary (flexwork.common.db_routers, docs/deployment.md).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], **DATABASES["replica"].get("OPTIONS", {})}
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False  # read-only reports; never part of a request's transaction
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests create no second database: the alias reads the default test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["flexwork.common.db_routers.ReplicaRouter"]

# ---------------------------------------------------------------------------- redis and cache
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379")
REDIS_BROKER_DB = 0
REDIS_CACHE_DB = 1
# https://github.com/jazzband/django-redis#configure-as-cache-backend
CACHES = {
    "default": {
        "BACKEND": "flexwork.common.cache.FailOpenRedisCache",
        "LOCATION": f"{REDIS_URL.rstrip('/')}/{REDIS_CACHE_DB}",
        "KEY_PREFIX": "fw-cache",
        "TIMEOUT": 300,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            # Redis only caches: when it is down, fail open (rate limits off) and log it.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "flexwork.cache"

# ---------------------------------------------------------------------------- sessions
# Sessions live in PostgreSQL: a Redis outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "flexwork.api.errors.csrf_failure"

# ---------------------------------------------------------------------------- auth and allauth
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: revokes the API tokens and tells the owner after any password change.
    {"NAME": "flexwork.accounts.passwords.PasswordChangedHook"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
# Accounts are created by HR (import) or the platform operator, never by sign-up.
ACCOUNT_ADAPTER = "flexwork.accounts.adapters.AccountAdapter"
# The login field reads "NIP or e-mail"; users are named by their recorded name, never by NIP.
ACCOUNT_FORMS = {"login": "flexwork.accounts.forms.LoginForm"}
ACCOUNT_USER_DISPLAY = "flexwork.accounts.adapters.user_display"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[FlexWork] "
# A whole office may sit behind one NAT address: per-IP limits are generous, while failed
# logins per account and address together (key: AccountAdapter._get_login_attempts_cache_key) are
# strict. Backed by the cache (Redis db 1), failing open.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("ACCOUNT_RATE_LIMIT_LOGIN", default="300/m/ip"),
    "login_failed": env.str("ACCOUNT_RATE_LIMIT_LOGIN_FAILED", default="200/10m/ip,5/5m/key"),
    "reset_password": env.str("ACCOUNT_RATE_LIMIT_RESET_PASSWORD", default="60/m/ip,3/5m/key"),
    "reset_password_from_key": "60/m/ip",
    "change_password": "10/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# A wrong password is answered after this delay; the owner is told at the N-th failure within the window
# (any address). docs/api.md "Authentication"; flexwork.accounts.adapters.AccountAdapter.authentication_failed.
LOGIN_FAILURE_DELAY_SECONDS = env.float("LOGIN_FAILURE_DELAY_SECONDS", default=1.0)
LOGIN_FAILURE_NOTICE_AFTER = env.int("LOGIN_FAILURE_NOTICE_AFTER", default=5)
LOGIN_FAILURE_NOTICE_WINDOW_SECONDS = 60 * 60
# https://docs.allauth.org/en/latest/common/configuration.html
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "FlexWork"
# A code from the 30-second step before or after is accepted too: a phone's clock drifts, and a
# code typed slowly on a small keyboard may have just rolled over. allauth marks a used code, so
# the wider window does not allow a replay.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_ADAPTER = "flexwork.accounts.adapters.MfaAdapter"

# ---------------------------------------------------------------------------- i18n and time
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# locale/ is ours (makemessages); locale_allauth/ completes allauth's own Indonesian catalogue for
# the login and MFA pages (allauth ships it partly untranslated).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # instants are stored in UTC; pages show the viewer's office zone
# https://docs.djangoproject.com/en/5.2/ref/settings/#format-module-path: "2 Des 2026", "04.07", "37,5"
FORMAT_MODULE_PATH = ["flexwork.formats"]
FLEXWORK_DEFAULT_TIME_ZONE = env.str("FLEXWORK_DEFAULT_TIME_ZONE", default="Asia/Jakarta")
FLEXWORK_TIME_ZONES = ["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"]

# ---------------------------------------------------------------------------- static and uploads
STATIC_URL = "/static/"
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Per user (docs/rules.md §1 "Evidence files"): bytes uploaded in any 24 hours, files held unattached; files
# never attached are purged nightly once older than EVIDENCE_UNATTACHED_KEEP_HOURS.
EVIDENCE_QUOTA_BYTES_PER_DAY = env.int("EVIDENCE_QUOTA_BYTES_PER_DAY", default=100 * 1024 * 1024)
EVIDENCE_QUOTA_UNATTACHED_FILES = env.int("EVIDENCE_QUOTA_UNATTACHED_FILES", default=20)
EVIDENCE_UNATTACHED_KEEP_HOURS = 24
# Request bodies: uploads up to the evidence limit plus form overhead; larger bodies answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
FLEXWORK_MAX_REQUEST_BYTES = EVIDENCE_MAX_BYTES + 1024 * 1024
# A body over the limit is still read (and thrown away) up to this size, so the 413 reaches the client.
FLEXWORK_DISCARD_MAX_BYTES = env.int("FLEXWORK_DISCARD_MAX_BYTES", default=64 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Evidence lives outside any public URL; it is served only through a permission-checking view.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("EVIDENCE_ROOT", default=str(BASE_DIR / "var" / "evidence")), "base_url": None},
    },
    # Report files (CSV, XLSX, PDF): private too, served by flexwork.reports' permission-checking download.
    "reports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("REPORTS_ROOT", default=str(BASE_DIR / "var" / "reports")), "base_url": None},
    },
}
# With a bucket, files live in S3-compatible storage (AWS S3, MinIO, Ceph…) that every web node and
# worker shares. https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
# Still private: no ACL is sent (a new object is the bucket owner's alone, and buckets with ACLs
# disabled refuse any other), no custom domain; files are served only by the permission-checking
# views, so url() is never used (it would sign a 5-minute link).
if env.str("STORAGE_S3_BUCKET", default=""):
    _s3 = {
        "bucket_name": env.str("STORAGE_S3_BUCKET"),
        "endpoint_url": env.str("STORAGE_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("STORAGE_S3_REGION", default="") or None,
        # Empty: boto3's own chain (AWS_ACCESS_KEY_ID…, an instance or pod role).
        "access_key": env.str("STORAGE_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("STORAGE_S3_SECRET_ACCESS_KEY", default="") or None,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "custom_domain": None,
        "file_overwrite": True,  # names are random (evidence) or per run attempt (reports)
        "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,  # larger downloads spill to a temporary file
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "media"}}
    STORAGES["evidence"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "evidence"}}
    STORAGES["reports"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "reports"}}

# ---------------------------------------------------------------------------- email
# https://docs.djangoproject.com/en/5.2/topics/email/
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="FlexWork <noreply@flexwork.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------- REST framework
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    # Token first, so that a request with no credentials answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "flexwork.accounts.authentication.PersonalTokenAuthentication",
        "flexwork.api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "flexwork.api.parsers.LimitedJSONParser",  # depth and NUL limits (docs/api.md "Errors")
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "flexwork.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "flexwork.api.exception_handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "flexwork.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [],
    # Scoped rates, used by views that name a `throttle_scope` (ScopedRateThrottle).
    "DEFAULT_THROTTLE_RATES": {"evidence_upload": "60/min"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "FlexWork API",
    "DESCRIPTION": "Flexible work for ASN under PermenPANRB 4/2025. Errors share one shape: "
    '{"message", "code", "fields", "violations"}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "SkpStatusEnum": "performance.models.SkpStatus",
        "ApiTokenStatusEnum": "flexwork.accounts.models.ApiTokenStatus",  # else it collides with SkpStatus
        "RhkKindEnum": "performance.models.RhkKind",
        "EvaluationKindEnum": "performance.models.EvaluationKind",
        "PerformanceRatingEnum": "performance.models.Rating",
        "ApprovalStatusEnum": "flexwork.approvals.models.ApprovalStatus",
        "ScheduleLocationEnum": "schedules.models.Location",
        "AttendanceDayLocationEnum": "attendance.models.DayLocation",
        "AttendanceCheckKindEnum": "attendance.models.CheckKind",
        "LeaveKindEnum": "attendance.models.LeaveKind",
        "PositionTypeEnum": "flexwork.org.models.PositionType",
        "EmployeeTypeEnum": "flexwork.org.models.EmployeeType",
        "HolidayKindEnum": "flexwork.org.models.HolidayKind",
        "PerformancePeriodEnum": "flexwork.org.models.PerformancePeriod",
        "ReportKindEnum": "flexwork.reports.models.ReportKind",
        "ReportRunStatusEnum": "flexwork.reports.models.RunStatus",
        "RosterStatusEnum": "shifts.models.RosterStatus",
        "DutyKindEnum": "shifts.models.DutyKind",
        "DutyLocationEnum": "shifts.models.DutyLocation",
        "DutySourceEnum": "shifts.models.DutySource",
        "ScheduleDaySourceEnum": "schedules.models.DaySource",  # else it collides with DutySource
        "DutyOfficeOrHomeEnum": "shifts.api_rosters.OFFICE_OR_HOME",
    },
}

# ---------------------------------------------------------------------------- Celery
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"{REDIS_URL.rstrip('/')}/{REDIS_BROKER_DB}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Three queues, each consumed by a worker of the Procfile: "celery", "reports", and "maintenance" for the
# sweep that requeues a dead reports worker's run (a worker of its own, so it outlives that worker).
CELERY_TASK_ROUTES = {
    "flexwork.reports.tasks.report_runs_requeue_expired_task": {"queue": "maintenance"},
    "flexwork.reports.*": {"queue": "reports"},
}
# Publishing must fail fast when Redis is down: the outbox row stays and beat re-publishes it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": "fw-broker:",
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Longer than the hard time limit, so a long task is not redelivered while it still runs.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The only place a periodic task is declared.
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {
        "task": "flexwork.outbox.tasks.outbox_relay_task",
        "schedule": 60.0,
    },
    # Expired sessions (they live in PostgreSQL) are deleted nightly.
    "sessions-clear": {
        "task": "flexwork.accounts.tasks.sessions_clear_task",
        "schedule": crontab(minute=37, hour=3),
    },
    "outbox-purge": {
        "task": "flexwork.outbox.tasks.outbox_purge_task",
        "schedule": crontab(minute=17, hour=3),
    },
    # Evidence files never attached within a day of their upload: row and bytes (flexwork.common.services).
    "evidence-unattached-purge": {
        "task": "flexwork.common.tasks.evidence_unattached_purge_task",
        "schedule": crontab(minute=27, hour=3),
    },
    # Undecided requests of every approvable kind (arrangements, leave, corrections) expire at 00:00
    # office time of their expiry day (every zone), and escalate after the agency's working days.
    # Every two minutes: a request over duties expires when its first duty starts (an instant).
    "approvals-expire": {
        "task": "flexwork.approvals.tasks.approvals_expire_due_task",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    "approvals-escalate": {
        "task": "flexwork.approvals.tasks.approvals_escalate_due_task",
        "schedule": crontab(minute=5),
    },
    # Duty swaps nobody decided expire when the earlier duty starts (an instant, not a day).
    "shifts-swaps-expire": {
        "task": "shifts.tasks.swaps_expire_due_task",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # Attendance: the statuses of the last minutes' check-ins (the check request publishes nothing).
    "attendance-recent-statuses": {
        "task": "attendance.tasks.day_statuses_refresh_recent_task",
        "schedule": 60.0,
    },
    # Attendance: roster duties are decided when their check-out window closes (docs/rules.md §8).
    "attendance-duty-statuses": {
        "task": "attendance.tasks.duty_statuses_decide_task",
        "schedule": 300.0,
    },
    # Attendance: each task acts for the office zones where it is now 00:xx (every zone once a night).
    "attendance-zone-day-close": {
        "task": "attendance.tasks.zone_day_close_task",
        "schedule": crontab(minute=20),
    },
    "attendance-missing-logs": {
        "task": "attendance.tasks.missing_logs_flag_task",
        "schedule": crontab(minute=40),
    },
    "attendance-positions-purge": {
        "task": "attendance.tasks.positions_purge_task",
        "schedule": crontab(minute=47, hour=2),
    },
    "attendance-idempotency-keys-purge": {
        "task": "attendance.tasks.idempotency_keys_purge_task",
        "schedule": crontab(minute=7),
    },
    # Reports: runs whose worker died are requeued (on the "maintenance" queue: within a lease plus a
    # minute); monthly runs at 01:xx on the 1st (agency zone); one reminder digest per person a day, at
    # 07:xx in their office zone.
    "reports-requeue-expired": {
        "task": "flexwork.reports.tasks.report_runs_requeue_expired_task",
        "schedule": 60.0,
        "options": {"expires": 50},  # a sweep nobody ran in time is dropped, not piled up
    },
    # Imports whose worker died, or whose start was lost, are queued again (flexwork/onboarding/services.py).
    "onboarding-import-jobs-requeue": {
        "task": "flexwork.onboarding.tasks.import_jobs_requeue_expired_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "reports-monthly-runs": {
        "task": "flexwork.reports.tasks.monthly_runs_create_task",
        "schedule": crontab(minute=3),
    },
    "reports-daily-digests": {
        "task": "flexwork.reports.tasks.daily_digests_send_task",
        "schedule": crontab(minute=10),
    },
    # Holidays: on 1 December every agency without next year's calendar gets it from the holidays
    # package, unconfirmed (docs/rules.md §7); an agency that has one is left alone.
    # Leave: the yearly rollover of annual leave at 00:00 office time on 1 January, per zone (docs/rules.md
    # §9 "Rollover"); hourly around the year end, idempotent.
    "leave-rollover": {
        "task": "leave.tasks.leave_rollover_task",
        "schedule": crontab(minute=2, day_of_month="31,1,2", month_of_year="12,1"),
    },
    # Leave: a cuti bersama worked on a roster duty adds a day to N (docs/rules.md §9), nightly, once per duty.
    "leave-cuti-bersama-worked": {
        "task": "leave.tasks.cuti_bersama_worked_task",
        "schedule": crontab(minute=52, hour=2),
    },
    # Leave: HR is told of anyone reaching 12 consecutive months of sick leave (docs/rules.md §9), daily, once per run.
    "leave-sick-twelve-months": {
        "task": "leave.tasks.sick_leave_twelve_months_task",
        "schedule": crontab(minute=7, hour=1),
    },
    "holidays-next-year": {
        "task": "flexwork.org.tasks.holidays_next_year_seed_task",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year=12),
    },
}
# ---------------------------------------------------------------------------- health
# Workers write a heartbeat every HEALTH_HEARTBEAT_SECONDS; /healthz/deps counts one as gone after
# HEALTH_WORKER_STALE_SECONDS and is 503 unless every queue below has a live worker (flexwork.health).
HEALTH_HEARTBEAT_SECONDS = 30
HEALTH_WORKER_STALE_SECONDS = 90
HEALTH_WORKER_QUEUES = ["celery", "reports", "maintenance"]
# Sent in `X-Health-Token`, it shows /healthz/deps' details to a monitoring system. Empty: staff only.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")
OUTBOX_RELAY_AFTER_SECONDS = env.int("OUTBOX_RELAY_AFTER_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)

# ---------------------------------------------------------------------------- security headers
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],  # the installable app (flexwork/common/pwa.py)
        "worker-src": [SELF],  # its service worker, /sw.js
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if ALLAUTH_TRUSTED_PROXY_COUNT else None

# ---------------------------------------------------------------------------- audit
# https://django-pghistory.readthedocs.io/en/latest/settings/
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")  # writes only
PGHISTORY_APPEND_ONLY = True  # history tables refuse UPDATE and DELETE (a trigger)
PGHISTORY_CREATED_AT_FUNCTION = "NOW()"  # SQL put into the triggers: a call, with parentheses

# ---------------------------------------------------------------------------- logging
# One JSON object a line, with the request id (flexwork.common.logging); 4xx answers without a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "flexwork.common.logging.RequestIdFilter"},
        "client_error_one_line": {"()": "flexwork.common.logging.ClientErrorOneLineFilter"},
    },
    "formatters": {"json": {"()": "flexwork.common.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "client_error_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print a second, plain copy: the root's is enough.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "flexwork": {"level": "INFO"},
    },
}

# ---------------------------------------------------------------------------- error tracking
# Sentry or GlitchTip (the same protocol): unhandled errors of web and workers, with the request id.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from flexwork.health.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"))
