from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhijia.demo"
    label = "demo"
