from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class AccessMode(models.TextChoices):
    WALK_IN = "walk_in", _("Walk in")
    ACTIVITY = "activity", _("Book an activity")
    MENU = "menu", _("Order from the menu")
    ONLINE = "online", _("Apply online")
    PHONE = "phone", _("Call")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PlanEntryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
