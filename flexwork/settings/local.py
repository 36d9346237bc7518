"""Settings for a developer's machine (`make run`)."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-flexwork-local-key-0123456789")
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
CELERY_TASK_EAGER_PROPAGATES = True
