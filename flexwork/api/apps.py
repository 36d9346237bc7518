from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "flexwork.api"
    label = "api"
