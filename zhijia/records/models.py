from django.db import models
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import RecordSource


class ServiceRecord(BaseModel):
    """One service given (服务人次). Written by the domain that produced it, in the same
    transaction, through records.services.record_add; `(source, source_id)` is unique, so
    re-recording the same visit / check-in / redemption never counts twice.

    `org` is the union credited with the service; `position_id` the station where it happened
    (no foreign key: the ledger sits below the domains that feed it); `person` when the worker
    is known (a member), else only `visitor_group`."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="service_records")
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices)
    source_id = models.UUIDField()
    occurred_at = models.DateTimeField(_("time"))
    title = models.CharField(_("service"), max_length=200)
    services = models.JSONField(default=list, blank=True)  # codes, e.g. VisitService values
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_records"
    )
    visitor_group = models.CharField(_("visitor group"), max_length=24, blank=True)
    position_id = models.UUIDField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1)

    PERSONAL_DATA = {"person": Category.MEMBERSHIP}

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["org", "occurred_at"], name="record_org_time"),
            models.Index(fields=["position_id", "occurred_at"], name="record_position_time"),
        ]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="record_source_unique")]
