from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class ApplicationStatus(models.TextChoices):
    """An online application (在线申请) for a listed service: submitted by a worker on the phone
    or through the API, answered by the list's union (accepted, or declined with a reason),
    delivered (one ledger row), or withdrawn by the worker before delivery."""

    SUBMITTED = "submitted", pgettext_lazy("service application", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("service application", "Accepted")
    DECLINED = "declined", pgettext_lazy("service application", "Declined")
    DELIVERED = "delivered", pgettext_lazy("service application", "Delivered")
    WITHDRAWN = "withdrawn", pgettext_lazy("service application", "Withdrawn")


A = ApplicationStatus
APPLICATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    A.SUBMITTED: (A.ACCEPTED, A.DECLINED, A.WITHDRAWN),
    A.ACCEPTED: (A.DELIVERED, A.DECLINED, A.WITHDRAWN),
    A.DECLINED: (),
    A.DELIVERED: (),
    A.WITHDRAWN: (),
}
OPEN_APPLICATION = (A.SUBMITTED, A.ACCEPTED)
