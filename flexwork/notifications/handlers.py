"""Outbox handlers of the notifications app (registered when the app is ready)."""

from flexwork.outbox import registry


@registry.register("notification.email")
def notification_email_handler(payload: dict) -> None:
    from flexwork.notifications.services import notification_email_send

    notification_email_send(notification_id=payload["notification_id"])
