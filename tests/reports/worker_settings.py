"""Settings of the real Celery worker that the fault tests start as a subprocess: the test settings
(the test database comes from DATABASE_URL), tasks not eager, and knobs that make a report slow
and its lease short enough to kill a worker midway within the test's time bound."""

import os

from flexwork.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
REPORTS_CHUNK_DELAY_SECONDS = float(os.environ.get("REPORTS_CHUNK_DELAY_SECONDS", "0"))
REPORTS_CHUNK_ROWS = int(os.environ.get("REPORTS_CHUNK_ROWS", "5000"))
REPORTS_LEASE_SECONDS = int(os.environ.get("REPORTS_LEASE_SECONDS", "120"))
