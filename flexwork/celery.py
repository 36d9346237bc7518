"""The Celery app (cookiecutter's config/celery_app.py). Settings come from Django's, prefix CELERY_.

Start the workers (the Procfile's queues: reports apart from the maintenance sweeps, so a dead
reports worker's run is still requeued; docs/reliability.md):
    celery -A flexwork worker -Q celery,reports -l info
    celery -A flexwork worker -Q maintenance --concurrency 1 -n maintenance@%h -l info
and beat (the schedule is CELERY_BEAT_SCHEDULE in settings/base.py):
    celery -A flexwork beat -l info

Every worker writes a heartbeat that /healthz/deps reads (flexwork.health.heartbeat), and every task
logs with the request id of the request that published it (flexwork.common.request_id).
"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwork.settings.local")

app = Celery("flexwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

import flexwork.common.request_id  # noqa: E402, F401 (connects the publish and prerun signals)
from flexwork.health.heartbeat import HeartbeatStep  # noqa: E402

app.steps["worker"].add(HeartbeatStep)


@setup_logging.connect
def config_loggers(*args, **kwargs):
    """Workers log through Django's LOGGING instead of Celery's own set-up."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
