"""Settings of the real Celery worker that the import job tests start as a subprocess: the report
workers' test settings plus knobs that make an import's check slow and its lease short, so that a
worker can be killed midway within the test's time bound."""

import os

from tests.reports.worker_settings import *  # noqa: F403

ONBOARDING_IMPORT_PROGRESS_DELAY_SECONDS = float(os.environ.get("ONBOARDING_IMPORT_PROGRESS_DELAY_SECONDS", "0"))
ONBOARDING_IMPORT_LEASE_SECONDS = int(os.environ.get("ONBOARDING_IMPORT_LEASE_SECONDS", "120"))
