from django.apps import AppConfig


class LabourConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhijia.labour"
    label = "labour"

    def ready(self) -> None:
        # orgs and members may not import labour (layering): the ledger order's copies of org
        # paths and pinyin follow moves and renames through their hooks (labour.sorting).
        from zhijia.members.services.people import RENAME_HOOKS
        from zhijia.orgs.services import MOVE_HOOKS

        from .sorting import org_moved, people_renamed

        if org_moved not in MOVE_HOOKS:
            MOVE_HOOKS.append(org_moved)
        if people_renamed not in RENAME_HOOKS:
            RENAME_HOOKS.append(people_renamed)

        from zhijia.members.services.rights import register_person_data

        from .services.rights import registry_anonymise, registry_export

        register_person_data(registry_export, registry_anonymise)
