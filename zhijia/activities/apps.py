from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "zhijia.activities"
    label = "activities"
    verbose_name = "Activities"

    def ready(self) -> None:
        # members may not import activities (layering): a person's enrolments and attendances
        # join their data export and their anonymisation through its hooks (services.rights)
        from zhijia.members.services.rights import register_person_data

        from .services.rights import enrolments_anonymise, enrolments_export

        register_person_data(enrolments_export, enrolments_anonymise)
