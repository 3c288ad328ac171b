from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "zhijia.activities"
    label = "activities"
    verbose_name = "Activities"
