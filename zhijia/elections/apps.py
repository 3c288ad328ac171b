from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "zhijia.elections"
    label = "elections"
    verbose_name = "Congresses and elections"
