"""The Celery app (cookiecutter's config/celery_app.py). Settings come from Django's, prefix CELERY_.

Start a worker that consumes both queues:
    celery -A flexwork worker -Q celery,reports -l info
and beat (the schedule is CELERY_BEAT_SCHEDULE in settings/base.py):
    celery -A flexwork beat -l info
"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwork.settings.local")

app = Celery("flexwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def config_loggers(*args, **kwargs):
    """Workers log through Django's LOGGING instead of Celery's own set-up."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
