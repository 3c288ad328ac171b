from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "zhijia.records"
    label = "records"
    verbose_name = "Service ledger"
