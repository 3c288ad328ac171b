from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zhijia.members"
    label = "members"
    verbose_name = "Members"
