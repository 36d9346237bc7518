from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "flexwork.health"
    label = "health"
