from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zhijia.orgs"
    label = "orgs"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_builtin_roles

        post_migrate.connect(sync_builtin_roles, sender=self)
