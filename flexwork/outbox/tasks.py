from celery import shared_task


@shared_task(ignore_result=True)
def outbox_message_process_task(message_id: int) -> None:
    from flexwork.outbox.services import outbox_message_process

    outbox_message_process(message_id=message_id)


@shared_task(ignore_result=True)
def outbox_relay_task() -> None:
    from flexwork.outbox.services import outbox_relay

    outbox_relay()


@shared_task(ignore_result=True)
def outbox_purge_task() -> None:
    from flexwork.outbox.services import outbox_purge

    outbox_purge()
