from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "zhijia.elections"
    label = "elections"
    verbose_name = "Congresses and elections"

    def ready(self) -> None:
        # members may not import elections (layering): a person's seats and candidacies join
        # their data export through its hooks (elections.services.rights)
        from zhijia.members.services.rights import register_person_data

        from .services.rights import elections_anonymise, elections_export

        register_person_data(elections_export, elections_anonymise)
