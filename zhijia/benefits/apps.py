from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "zhijia.benefits"
    label = "benefits"
    verbose_name = "Benefits"
