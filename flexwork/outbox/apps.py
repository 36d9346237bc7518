from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "flexwork.outbox"
    label = "outbox"
