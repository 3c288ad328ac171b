from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "zhijia.staff"
    label = "staff"
