from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zhijia.members"
    label = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        # orgs may not import members (layering), so the dissolve refusal is a registered hook.
        from zhijia.orgs.services import DISSOLVE_GUARDS

        from .services.registry import org_has_active_members

        if org_has_active_members not in DISSOLVE_GUARDS:
            DISSOLVE_GUARDS.append(org_has_active_members)
