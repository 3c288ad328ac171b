"""Statistics rollups over the service ledger (records.ServiceRecord), kept by stats.fold.

A `StatCell` holds, for one unit (the whole subtree under it, as credited at service time), one
day, month or calendar year, and one slice (`dim`, `value`): the net 服务人次 (`visits`), money, and
the exact set of people served as a roaring bitmap of `StatPerson` numbers — so 服务人数 for any
subtree and period is the size of a union of a few bitmaps, exact at every level, never the sum of
the children's. Figures read cells only, never raw ledger rows of a large subtree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel


class Dim(models.TextChoices):
    TOTAL = "", "total"  # every service row under the unit
    CHILD = "child", "child"  # value: the direct child the row came through, or "self"
    SOURCE = "source", "source"
    SERVICE = "service", "service"
    WORKER_TYPE = "worker_type", "worker type"
    SEX = "sex", "sex"
    AGE_BAND = "age_band", "age band"
    POSITION = "position", "station"
    MEMBERSHIP = "membership", "membership"  # value: join / transfer_in / transfer_out / leave


class StatCell(models.Model):
    """Day cells exist for the total, the child and membership at every unit, and for the other
    slices only at the levels stats.fold.slice_days names; month and year cells for everything (a
    year read is one cell, not twelve: fewer pages and a smaller bitmap to load)."""

    id = models.BigAutoField(primary_key=True)
    org_id = models.UUIDField()
    period = models.CharField(max_length=1)  # "d" day, "m" month (start = the 1st), "y" year (01-01)
    start = models.DateField()
    dim = models.CharField(max_length=12, choices=Dim.choices, blank=True)
    value = models.CharField(max_length=64, blank=True)
    visits = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    driven = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    people = models.BinaryField(default=b"")

    NOT_PERSONAL = ("people",)  # numbers of pseudonymous keys; no way back to a person

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org_id", "period", "start", "dim", "value"], name="stat_cell_key"
            )
        ]  # every read names the unit: the key's index serves them all, no other index to keep up

    def __str__(self) -> str:
        return f"{self.org_id} {self.period}{self.start} {self.dim}={self.value}"


class StatPerson(models.Model):
    """A dense number for each pseudonymous person key of the ledger, for the bitmaps."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=32, unique=True)

    NOT_PERSONAL = ("key",)

    def __str__(self) -> str:
        return str(self.pk)


class FoldState(models.Model):
    """One row: when the fold last finished (the figures' `as_of`), and how many rows it has
    counted. Locked by each fold, so folds never overlap."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    folded_at = models.DateTimeField(null=True, blank=True)
    rows = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"folded {self.rows} rows, last at {self.folded_at}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    EXEMPT = "exempt", _("Exempt")


class Report(BaseModel):
    """One unit's statistical report (逐级上报) for one form and period, in versions: an approved
    version is an immutable snapshot; a correction is a new version that supersedes it once
    approved. `figures` holds every value (generated from the ledger, or typed in for what Zhijia
    cannot know, with `notes`); `checks` the last logic-check results. Changed only by
    stats.reports.services."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="stat_reports")
    form = models.CharField(max_length=16)
    period = models.CharField(max_length=7)  # "2026-11" (monthly) or "2026" (yearly)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    figures = models.JSONField(default=dict)
    notes = models.JSONField(default=dict)
    checks = models.JSONField(default=list)
    generated_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(_("reason"), max_length=500, blank=True)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    NOT_PERSONAL = ("figures", "notes", "checks", "return_reason")

    class Meta:
        ordering = ["org__path", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "form", "period", "version"], name="report_version_unique"
            ),
        ]
        indexes = [models.Index(fields=["form", "period", "status"], name="report_period")]

    def __str__(self) -> str:
        return f"{self.org} {self.form} {self.period} v{self.version}"
