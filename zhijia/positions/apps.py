from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "zhijia.positions"
    label = "positions"
    verbose_name = "Service network"
