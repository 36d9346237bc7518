"""Settings for the test suite (pytest --ds=flexwork.settings.test)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, PLAN_CACHE_OPTIONS, STORAGES, env

DEBUG = False
SECRET_KEY = "test-only-not-secret-flexwork-key-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; tests where delivery matters start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOGIN_FAILURE_DELAY_SECONDS = 0  # tests of the delay set it themselves
# Each test process has its own in-memory cache, cleared by an autouse fixture, so rate limits
# never leak between tests. Tests of Redis behaviour point CACHES at a real Redis themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "fw-cache"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "test-evidence" / str(os.getpid())), "base_url": None},
    },
    # Local disk whatever a developer's .env says about S3 (STORAGE_S3_BUCKET).
    "reports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.str("REPORTS_ROOT", default=str(BASE_DIR / "var" / "test-reports" / str(os.getpid()))),
            "base_url": None,
        },
    },
}
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/flexwork")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if PLAN_CACHE_OPTIONS:  # as in production: one generic plan per prepared statement (settings/base.py)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = PLAN_CACHE_OPTIONS
# Parallel checkouts (or developers) may pick their own test database name.
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_flexwork")}
# A "replica" alias on the same test database (TEST MIRROR: its own connection, nothing created), so
# tests can prove which connection a read used. Routing stays off here, so every other test reads and
# writes "default"; a replica test enables flexwork.common.db_routers.ReplicaRouter itself and marks
# django_db(transaction=True, databases=["default", "replica"]): see tests/common/test_replica_router.py.
DATABASES["replica"] = {**DATABASES["default"], "ATOMIC_REQUESTS": False, "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = []
