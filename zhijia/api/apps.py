from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhijia.api"
    label = "api"
