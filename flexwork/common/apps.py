from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "flexwork.common"
    label = "common"
