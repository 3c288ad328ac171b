from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zhijia.dispatch"
    label = "dispatch"
    verbose_name = "Expert services"
