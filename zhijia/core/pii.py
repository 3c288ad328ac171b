"""The registry of personal fields (PIPL / GB/T 35273).

Each model declares ``PERSONAL_DATA = {"field": Category.X}`` for its personal fields and may
list clearly non-personal look-alikes in ``NOT_PERSONAL``. A meta-test
(tests/core/test_pii_registry.py) fails when a field that looks personal is in neither.
"""

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact")
    MEMBERSHIP = "membership", _("Union membership")
    FINANCIAL = "financial", _("Financial")
    HEALTH = "health", _("Health")
    MINOR = "minor", _("Child under 14")
    CREDENTIAL = "credential", _("Credential")


def registry() -> dict[str, Category]:
    """``{"app_label.Model.field": category}`` for every registered personal field."""
    found: dict[str, Category] = {}
    for model in apps.get_models():
        for field, category in getattr(model, "PERSONAL_DATA", {}).items():
            found[f"{model._meta.label}.{field}"] = category
    return found
