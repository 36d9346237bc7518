from celery import shared_task


@shared_task(ignore_result=True)
def evidence_unattached_purge_task() -> None:
    """Nightly (CELERY_BEAT_SCHEDULE): evidence files never attached, older than a day, are deleted."""
    from flexwork.common.services import evidence_unattached_purge

    evidence_unattached_purge()
