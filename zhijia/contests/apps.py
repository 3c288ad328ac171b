from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "zhijia.contests"
    label = "contests"
    verbose_name = "Competitions"
