"""The Celery app (cookiecutter's config/celery_app.py). Settings come from Django's, prefix CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwork.settings.local")

app = Celery("flexwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
