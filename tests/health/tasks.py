"""A task for the request-id tests: it logs one line and, when asked, publishes itself once more, so
a test can read both lines in the worker's log."""

import logging

from celery import shared_task

logger = logging.getLogger("flexwork.tests.health")


@shared_task(name="tests.health.log_line", ignore_result=True)
def log_line(text: str, child: bool = False) -> None:
    logger.info("health test task: %s", text)
    if child:
        log_line.delay(f"{text} (child)")
