from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhijia.catalog"
    label = "catalog"
    verbose_name = "Service lists and plans"

    def ready(self) -> None:
        # members may not import catalog (layering): a person's online applications join their
        # data export and their anonymisation through its hooks (catalog.applications)
        from zhijia.members.services.rights import ANONYMISE_HOOKS, EXPORT_HOOKS

        from .applications import person_applications_anonymise, person_applications_export

        if person_applications_export not in EXPORT_HOOKS:
            EXPORT_HOOKS.append(person_applications_export)
        if person_applications_anonymise not in ANONYMISE_HOOKS:
            ANONYMISE_HOOKS.append(person_applications_anonymise)
