from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "zhijia.voice"
    label = "voice"
    verbose_name = "Workers' voice"

    def ready(self) -> None:
        # members may not import voice (layering): a worker's opinions and box messages join
        # their data export and their anonymisation through its hooks (voice.services.rights)
        from zhijia.members.services.rights import register_person_data

        from .services.rights import voice_anonymise, voice_export

        register_person_data(voice_export, voice_anonymise)
