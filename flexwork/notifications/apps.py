from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "flexwork.notifications"
    label = "notifications"

    def ready(self):
        # Registers the outbox handler for the "notification.email" topic.
        from flexwork.notifications import handlers  # noqa: F401
