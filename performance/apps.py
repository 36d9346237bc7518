from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    label = "performance"

    def ready(self):
        from performance import notifications  # noqa: F401  (registers the notification kinds)
