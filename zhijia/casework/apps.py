from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "zhijia.casework"
    label = "casework"
    verbose_name = "Help and rights"

    def ready(self) -> None:
        # members may not import casework (layering): a person's cases join their data export
        # and their anonymisation through its hooks (casework.services.rights)
        from zhijia.members.services.rights import register_person_data

        from .services.rights import cases_anonymise, cases_export

        register_person_data(cases_export, cases_anonymise)
