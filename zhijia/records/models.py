from django.db import models
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import RecordSource

LEVELS = 8  # org-tree depths carried as columns (l0 = the root … l7); deeper units use org_path


class ServiceRecord(BaseModel):
    """One row of the service ledger (服务记录). Written by the domain that produced it, in the
    same transaction, through records.services.record_add; `(source, source_id, leg)` is unique,
    so re-recording the same visit / check-in / redemption never counts twice. Append-only: a
    service undone is a reversal row (`qty` -1, `leg` "reversal"), never a delete.

    Carries what reports slice by, copied at write time (see docs/statistics.md): the credited
    unit (`org`, its path and its ancestor at each depth `l0`…`l7` as of the service — history
    stays where it happened when a subtree moves), the worker's own union (`member_org_id`), a
    pseudonymous `person_key` that survives the person's anonymisation, sex, age band, worker type,
    occupation, the shared `service_code`, and money (`amount`: face value or help given;
    `driven`: the bill a voucher drove, 拉动消费). Each row is written with an `Unfolded` row that
    the statistics fold deletes when it has counted it (stats.fold): the ledger itself is never
    updated."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="service_records")
    org_path = models.CharField(max_length=255, default="")
    l0 = models.UUIDField(null=True, blank=True)
    l1 = models.UUIDField(null=True, blank=True)
    l2 = models.UUIDField(null=True, blank=True)
    l3 = models.UUIDField(null=True, blank=True)
    l4 = models.UUIDField(null=True, blank=True)
    l5 = models.UUIDField(null=True, blank=True)
    l6 = models.UUIDField(null=True, blank=True)
    l7 = models.UUIDField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices)
    source_id = models.UUIDField()
    leg = models.CharField(max_length=8, blank=True, default="")  # "", "reversal", "out"
    occurred_at = models.DateTimeField(_("time"))
    title = models.CharField(_("service"), max_length=200)
    services = models.JSONField(default=list, blank=True)  # codes, e.g. VisitService values
    service_code = models.CharField(_("service code"), max_length=64, blank=True, default="")
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_records"
    )
    person_key = models.CharField(max_length=32, blank=True, default="")
    member_org_id = models.UUIDField(null=True, blank=True)
    sex = models.CharField(max_length=8, blank=True, default="")
    age_band = models.CharField(max_length=8, blank=True, default="")
    worker_type = models.CharField(max_length=16, blank=True, default="")
    occupation = models.CharField(max_length=20, blank=True, default="")
    visitor_group = models.CharField(_("visitor group"), max_length=24, blank=True)
    position_id = models.UUIDField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1)
    qty = models.IntegerField(default=1)  # +count, or -count on a reversal / a transfer's "out" leg
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    driven = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    PERSONAL_DATA = {
        "person": Category.MEMBERSHIP,
        "person_key": Category.MEMBERSHIP,
        "member_org_id": Category.MEMBERSHIP,
        "sex": Category.IDENTITY,
        "age_band": Category.IDENTITY,
        "worker_type": Category.MEMBERSHIP,
        "occupation": Category.MEMBERSHIP,
    }
    NOT_PERSONAL = ("org_path", "service_code", "amount", "driven")

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["org", "occurred_at"], name="record_org_time"),
            models.Index(fields=["position_id", "occurred_at"], name="record_position_time"),
            models.Index(fields=["person_key", "occurred_at"], name="record_person_time"),
            models.Index(fields=["l1", "occurred_at"], name="record_l1_time"),
            models.Index(fields=["l2", "occurred_at"], name="record_l2_time"),
            models.Index(fields=["l3", "occurred_at"], name="record_l3_time"),
            models.Index(fields=["l4", "occurred_at"], name="record_l4_time"),
            models.Index(fields=["l5", "occurred_at"], name="record_l5_time"),
            models.Index(fields=["l6", "occurred_at"], name="record_l6_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "leg"], name="record_source_leg_unique")
        ]


class Unfolded(models.Model):
    """A ledger row the statistics fold has not counted yet, written in the same transaction as
    the row (records.services) and deleted by the fold that counts it (stats.fold). A narrow
    queue of its own, so counting a row never rewrites the wide, many-indexed ledger row."""

    record_id = models.UUIDField(primary_key=True)

    def __str__(self) -> str:
        return str(self.record_id)
