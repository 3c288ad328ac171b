from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zhijia.stats"
    label = "stats"
    verbose_name = "Statistics"
