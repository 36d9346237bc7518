"""Background work of the shifts app. Periodic entries are declared in CELERY_BEAT_SCHEDULE
(settings/base.py). Tasks are safe to repeat."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def swaps_expire_due_task() -> int:
    """Undecided duty swaps expire when the earlier duty starts (docs/rules.md §8)."""
    from shifts.swaps import swaps_expire_due

    return swaps_expire_due()
