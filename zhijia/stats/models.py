"""Statistics rollups over the service ledger (records.ServiceRecord), kept by stats.fold.

A `StatCell` holds, for one unit (the whole subtree under it, as credited at service time), one
day or month, and one slice (`dim`, `value`): the net 服务人次 (`visits`), money, and the exact set
of people served as a roaring bitmap of `StatPerson` numbers — so 服务人数 for any subtree and
period is the size of a union of a few bitmaps, exact at every level, never the sum of the
children's. Figures read cells only, never raw ledger rows of a large subtree."""

from django.db import models


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
    id = models.BigAutoField(primary_key=True)
    org_id = models.UUIDField()
    period = models.CharField(max_length=1)  # "d" day, "m" month (start = the 1st)
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
        ]
        indexes = [models.Index(fields=["period", "start", "dim"], name="stat_cell_period")]

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
