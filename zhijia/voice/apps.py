from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "zhijia.voice"
    label = "voice"
    verbose_name = "Workers' voice"
