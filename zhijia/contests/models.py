"""Competitions (劳动竞赛, 职业技能竞赛): a contest with events, entries registered by unions and
confirmed by the organiser, judges with declared conflicts, marking sheets (measurement and
judgement aspects), locked results, awards and certificates. Writes go through
contests.services only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category
from zhijia.members.enums import SkillLevel

from .enums import AspectKind, Award, ContestStatus, EntryStatus


class Contest(BaseModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="contests")  # organiser
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(max_length=10, choices=ContestStatus.choices, default=ContestStatus.OPEN)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Event(BaseModel):
    """A 项目 of the contest. `awards` says how many first, second and third prizes (the rest
    of the ranked entries get 优胜奖); `skill_level` is what a first prize earns."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    team_size = models.PositiveSmallIntegerField(_("team size"), default=1)
    first = models.PositiveSmallIntegerField(default=1)
    second = models.PositiveSmallIntegerField(default=2)
    third = models.PositiveSmallIntegerField(default=3)
    skill_level = models.CharField(max_length=10, choices=SkillLevel.choices, blank=True)
    locked = models.BooleanField(default=False)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["contest", "title"]

    def __str__(self) -> str:
        return self.title


class Aspect(BaseModel):
    """One line of the marking sheet: measurement (0..max_points by one judge) or judgement
    (three judges score 0–3 each; the aspect gives max_points × mean / 3)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="aspects")
    kind = models.CharField(max_length=12, choices=AspectKind.choices)
    title = models.CharField(_("title"), max_length=200)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["order"]
        constraints = [models.CheckConstraint(condition=Q(max_points__gt=0), name="aspect_points")]

    def __str__(self) -> str:
        return self.title


class Entry(BaseModel):
    """An individual or a team, registered by its union (`unit`) and confirmed by the organiser."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    people = models.ManyToManyField("members.Person", related_name="+")
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED)
    award = models.CharField(max_length=8, choices=Award.choices, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    total = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)

    PERSONAL_DATA = {"people": Category.MEMBERSHIP}

    class Meta:
        ordering = ["rank", "created_at"]


class Judge(BaseModel):
    """A judge of an event, with their own unit and the units they declared a conflict with."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    conflicts = models.ManyToManyField("orgs.Org", blank=True, related_name="+")
    chief = models.BooleanField(default=False)

    PERSONAL_DATA = {"user": Category.IDENTITY}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_judge_seat")]


class Score(BaseModel):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "aspect", "judge"], name="one_mark_per_judge"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
        ]
