from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "zhijia.contests"
    label = "contests"
    verbose_name = "Competitions"

    def ready(self) -> None:
        # members may not import contests (layering): a person's entries join their data
        # export through its hooks (contests.rights)
        from zhijia.members.services.rights import register_person_data

        from .rights import contests_anonymise, contests_export

        register_person_data(contests_export, contests_anonymise)
