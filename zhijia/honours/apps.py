from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "zhijia.honours"
    label = "honours"
    verbose_name = "Honours"

    def ready(self) -> None:
        # members may not import honours (layering): a person's nominations and honours join
        # their data export and their anonymisation through its hooks (honours.rights)
        from zhijia.members.services.rights import register_person_data

        from .rights import honours_anonymise, honours_export

        register_person_data(honours_export, honours_anonymise)
