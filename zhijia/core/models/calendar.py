from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")  # a weekday off (e.g. 国庆节)
    WORKDAY = "workday", _("Make-up working day")  # a weekend day worked (调休)


class CalendarDay(models.Model):
    """Exceptions to the Monday–Friday working week, kept by administrators each year from the
    State Council's holiday notice. Used for deadlines counted in working days."""

    date = models.DateField(primary_key=True)
    kind = models.CharField(max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(max_length=50, blank=True)

    NOT_PERSONAL = ("name",)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class Counter(models.Model):
    """Named counters (member numbers per union and year, …), advanced with a guarded UPDATE so
    concurrent callers never get the same value."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
