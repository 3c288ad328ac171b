from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "zhijia.positions"
    label = "positions"
    verbose_name = "Service network"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the change-feed receiver
