from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "zhijia.benefits"
    label = "benefits"
    verbose_name = "Benefits"

    def ready(self) -> None:
        # members may not import benefits (layering): a person's vouchers and lottery entries
        # join their data export and their anonymisation through its hooks (services.rights)
        from zhijia.members.services.rights import register_person_data

        from .services.rights import vouchers_anonymise, vouchers_export

        register_person_data(vouchers_export, vouchers_anonymise)
