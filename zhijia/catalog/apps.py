from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhijia.catalog"
    label = "catalog"
    verbose_name = "Service lists and plans"
