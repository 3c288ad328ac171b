from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import ApplicationStatus, PlanEntryStatus, PlanStatus, VersionStatus


class ServiceList(BaseModel):
    """A union's or centre's published list of services (服务清单). Its content lives in
    versions; a published version never changes (services refuse, and a new draft is a copy)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="service_lists")
    title = models.CharField(_("title"), max_length=200)
    position = models.ForeignKey(
        "positions.Position", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_lists"
    )

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ServiceListVersion(BaseModel):
    service_list = models.ForeignKey(ServiceList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    intro = models.TextField(_("introduction"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["service_list", "number"], name="list_version_number"),
            models.UniqueConstraint(
                fields=["service_list"], condition=Q(status="draft"), name="one_draft_per_list"
            ),
            models.UniqueConstraint(
                fields=["service_list"], condition=Q(status="published"), name="one_published_per_list"
            ),
        ]


class ServiceCategory(BaseModel):
    version = models.ForeignKey(ServiceListVersion, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    NOT_PERSONAL = ("name",)

    class Meta:
        ordering = ["order", "name"]


class ServiceItem(BaseModel):
    category = models.ForeignKey(ServiceCategory, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("who may use it"), max_length=200, blank=True)
    access_modes = models.JSONField(_("how to get it"), default=list, blank=True)  # AccessMode codes
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    positions = models.ManyToManyField("positions.Position", blank=True, related_name="service_items")
    order = models.PositiveSmallIntegerField(default=0)

    NOT_PERSONAL = ("name", "contact")  # a desk or hotline, not a person

    class Meta:
        ordering = ["order", "name"]


class ActivityPlan(BaseModel):
    """A union's yearly activity plan (活动清单 / 百场活动清单)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="activity_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "title"], name="plan_unique_title")]


class PlanEntry(BaseModel):
    """A planned activity. Plan against actual: `status` and the held counts are kept by the
    services, from linked activities (activities.Activity.plan_entry) or recorded by staff."""

    plan = models.ForeignKey(ActivityPlan, on_delete=models.CASCADE, related_name="entries")
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    month = models.PositiveSmallIntegerField(_("month"))
    position = models.ForeignKey(
        "positions.Position", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_entries"
    )
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    planned_times = models.PositiveIntegerField(_("planned sessions"), default=1)
    planned_participants = models.PositiveIntegerField(_("planned participants"), default=0)
    status = models.CharField(max_length=16, choices=PlanEntryStatus.choices, default=PlanEntryStatus.PLANNED)
    held_times = models.PositiveIntegerField(_("sessions held"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["month", "order", "title"]
        constraints = [models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="entry_month")]


class ServiceApplication(BaseModel):
    """A worker's online application (在线申请) for an item of a published service list whose
    access modes include "online". `org` is the list's union (kept on the row for scoping): its
    staff holding catalog.applications answer it. The item is the one of the version the worker
    applied from (published versions never change). States and steps: catalog.applications."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="applications")
    service_list = models.ForeignKey(ServiceList, on_delete=models.PROTECT, related_name="applications")
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="service_applications", verbose_name=_("union")
    )
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the applicant's record in the member register, when there is one
    name = models.CharField(_("name"), max_length=50)
    note = models.TextField(_("what you need"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    reply = models.CharField(_("reply"), max_length=300, blank=True)  # when accepting: what happens next
    reason = models.CharField(_("reason"), max_length=300, blank=True)  # when declining
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA = {
        "name": Category.IDENTITY,
        "applicant": Category.IDENTITY,
        "person": Category.MEMBERSHIP,
        "note": Category.IDENTITY,
    }

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["org", "status"], name="application_org_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "item"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="one_open_service_application",
            )
        ]
