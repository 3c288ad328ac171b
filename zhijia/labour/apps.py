from django.apps import AppConfig


class LabourConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhijia.labour"
    label = "labour"
