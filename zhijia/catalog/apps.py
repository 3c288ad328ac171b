from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhijia.catalog"
    label = "catalog"
    verbose_name = "Service lists and plans"

    def ready(self) -> None:
        # members may not import catalog (layering): a person's online applications join their
        # data export and their anonymisation through its hooks (catalog.applications)
        from zhijia.members.services.rights import register_person_data

        from .applications import person_applications_anonymise, person_applications_export

        register_person_data(person_applications_export, person_applications_anonymise)
