from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "zhijia.honours"
    label = "honours"
    verbose_name = "Honours"
