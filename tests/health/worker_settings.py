"""Settings of the real Celery workers that tests/health starts as subprocesses: the test settings,
tasks not eager, and a heartbeat every second that goes stale after three."""

import os

from flexwork.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
HEALTH_HEARTBEAT_SECONDS = float(os.environ.get("HEALTH_HEARTBEAT_SECONDS", "1"))
HEALTH_WORKER_STALE_SECONDS = float(os.environ.get("HEALTH_WORKER_STALE_SECONDS", "3"))
