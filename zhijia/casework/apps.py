from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "zhijia.casework"
    label = "casework"
    verbose_name = "Help and rights"
