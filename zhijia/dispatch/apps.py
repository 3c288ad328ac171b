from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zhijia.dispatch"
    label = "dispatch"
    verbose_name = "Expert services"

    def ready(self) -> None:
        # members may not import dispatch (layering): a person's needs and expert-service
        # attendances join their data export and their anonymisation through its hooks
        from zhijia.members.services.rights import register_person_data

        from .services.rights import needs_anonymise, needs_export

        register_person_data(needs_export, needs_anonymise)
