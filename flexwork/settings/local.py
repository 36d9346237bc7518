"""Settings for a developer's machine (`make run`)."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# An empty DJANGO_SECRET_KEY (as in .env.example) also falls back to the development key.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or "dev-only-not-secret-flexwork-local-key-0123456789"
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
CELERY_TASK_EAGER_PROPAGATES = True
