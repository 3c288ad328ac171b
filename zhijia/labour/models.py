"""The labour registry (一库三台账): one record per working-age person of an area, linked to the
members.Person (whose ID number is stored encrypted with a blind index), their household,
skills and certificates, employment status HISTORY (dated periods: exactly one status on any
date from the first survey on), wishes, training needs and assistance flags (dated too). The
three ledgers are dated views over this history (selectors.ledgers); nothing is typed twice.

Jobs posted by employers in the org tree, referrals with their funnel steps, service teams with
roster, assignments and attendance complete the domain. Writes go through labour.services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category
from zhijia.members.enums import SkillLevel

from .enums import (
    AssistanceKind,
    EmploymentStatus,
    JobStatus,
    PlaceRange,
    ReferralChannel,
    ReferralStep,
    StatusSource,
    TeamType,
)


class Household(BaseModel):
    """A household (户) of a village (行政村, the org) and village group (组)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    group = models.CharField(_("village group"), max_length=50, blank=True)  # 组
    number = models.CharField(_("household number"), max_length=30)  # 户号
    address = models.CharField(_("address"), max_length=200, blank=True)

    PERSONAL_DATA = {"address": Category.CONTACT, "number": Category.IDENTITY}

    class Meta:
        ordering = ["org", "group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["org", "group", "number"], name="labour_household_unique")
        ]


class RegistryPerson(BaseModel):
    """One person's registry record (one per members.Person). `status` / `status_since` mirror
    the newest StatusPeriod (kept by services.status) for fast lists; history decides ledgers.

    `sort_path`, `sort_household` and `sort_pinyin` copy the village's path, the household's
    number (None without a household) and the person's pinyin, so that the ledger order
    (village, group, household, pinyin, id) is one index on this table (labour.sorting keeps
    them: the registry services, and hooks on org moves and person renames)."""

    person = models.OneToOneField("members.Person", on_delete=models.PROTECT, related_name="labour")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    group = models.CharField(_("village group"), max_length=50, blank=True)
    skill_level = models.CharField(_("skill level"), max_length=10, choices=SkillLevel.choices, blank=True)
    status = models.CharField(
        _("employment status"), max_length=12, choices=EmploymentStatus.choices, blank=True
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    wanted_occupation = models.CharField(_("wanted occupation"), max_length=8, blank=True)
    wanted_job = models.CharField(_("wanted job"), max_length=100, blank=True)
    wanted_range = models.CharField(
        _("willing to work"), max_length=10, choices=PlaceRange.choices, default=PlaceRange.COUNTY
    )
    wanted_wage = models.PositiveIntegerField(_("wanted monthly wage (yuan)"), null=True, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    training_needs = models.CharField(_("training needs"), max_length=500, blank=True)
    training_occupation = models.CharField(_("training wanted in"), max_length=8, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    surveyed_on = models.DateField(_("surveyed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    sort_path = models.CharField(max_length=255, blank=True)
    sort_household = models.CharField(max_length=30, null=True, blank=True)
    sort_pinyin = models.CharField(max_length=400, blank=True)

    NOT_PERSONAL = ("sort_path",)
    PERSONAL_DATA = {
        "sort_household": Category.IDENTITY,
        "sort_pinyin": Category.IDENTITY,
        "group": Category.CONTACT,
        "skill_level": Category.MEMBERSHIP,
        "status": Category.MEMBERSHIP,
        "status_since": Category.MEMBERSHIP,
        "wanted_occupation": Category.MEMBERSHIP,
        "wanted_job": Category.MEMBERSHIP,
        "wanted_range": Category.MEMBERSHIP,
        "wanted_wage": Category.FINANCIAL,
        "available_from": Category.MEMBERSHIP,
        "training_needs": Category.MEMBERSHIP,
        "training_occupation": Category.MEMBERSHIP,
        "note": Category.MEMBERSHIP,
    }

    class Meta:
        ordering = ["org", "group", "person__name_pinyin"]
        indexes = [
            models.Index(fields=["org", "status"]),
            models.Index(
                fields=["sort_path", "group", "sort_household", "sort_pinyin", "id"],
                name="labour_person_ledger_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="labour_person_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Skill(BaseModel):
    """A skill as an occupation code (职业分类大典 medium category) with the finer title as text."""

    entry = models.ForeignKey(RegistryPerson, on_delete=models.CASCADE, related_name="skills")
    occupation = models.CharField(_("occupation code"), max_length=8)
    title = models.CharField(_("skill"), max_length=100, blank=True)
    level = models.CharField(_("skill level"), max_length=10, choices=SkillLevel.choices, blank=True)
    years = models.PositiveSmallIntegerField(_("years of experience"), null=True, blank=True)

    PERSONAL_DATA = {
        "occupation": Category.MEMBERSHIP,
        "title": Category.MEMBERSHIP,
        "level": Category.MEMBERSHIP,
        "years": Category.MEMBERSHIP,
    }

    class Meta:
        ordering = ["occupation"]
        # (entry, occupation) first: "does this person have skill X" is the matching's hot probe
        indexes = [models.Index(fields=["entry", "occupation"]), models.Index(fields=["occupation"])]


class Certificate(BaseModel):
    entry = models.ForeignKey(RegistryPerson, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("certificate"), max_length=100)
    level = models.CharField(_("skill level"), max_length=10, choices=SkillLevel.choices, blank=True)
    number = models.CharField(_("certificate number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    PERSONAL_DATA = {
        "name": Category.MEMBERSHIP,
        "level": Category.MEMBERSHIP,
        "number": Category.IDENTITY,
        "issued_on": Category.MEMBERSHIP,
        "expires_on": Category.MEMBERSHIP,
    }

    class Meta:
        ordering = ["name"]


class StatusPeriod(BaseModel):
    """One stretch of a person's employment status: from `starts_on` up to (not including)
    `ends_on`, open when None. A person's periods tile time from their first one without gaps or
    overlaps (services.status keeps it so: `ends_on` is always the next period's `starts_on`).

    `org` copies the record's village (labour.sorting keeps it), so that a ledger's count is
    read from one index, (org, status, starts_on, ends_on), without visiting each person."""

    entry = models.ForeignKey(RegistryPerson, on_delete=models.CASCADE, related_name="periods")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(_("employment status"), max_length=12, choices=EmploymentStatus.choices)
    starts_on = models.DateField(_("effective from"))
    ends_on = models.DateField(null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)  # 转移外出 where
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=StatusSource.choices, default=StatusSource.STAFF)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {
        "status": Category.MEMBERSHIP,
        "starts_on": Category.MEMBERSHIP,
        "ends_on": Category.MEMBERSHIP,
        "destination": Category.CONTACT,
        "employer": Category.MEMBERSHIP,
        "reason": Category.MEMBERSHIP,
    }

    class Meta:
        ordering = ["entry", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "starts_on"], name="labour_period_unique_start")
        ]
        indexes = [
            models.Index(fields=["org", "status", "starts_on", "ends_on"], name="labour_period_ledger_count")
        ]


class Assistance(BaseModel):
    """An assistance flag (脱贫户, 低保, 残疾, 零就业家庭, 困难职工) in effect from `starts_on` up to
    (not including) `ends_on`. `hardship_file_id` points at a hardship file when one exists."""

    entry = models.ForeignKey(RegistryPerson, on_delete=models.CASCADE, related_name="assistance")
    kind = models.CharField(_("assistance"), max_length=16, choices=AssistanceKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    hardship_file_id = models.UUIDField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    PERSONAL_DATA = {
        "kind": Category.FINANCIAL,
        "starts_on": Category.FINANCIAL,
        "ends_on": Category.FINANCIAL,
        "hardship_file_id": Category.FINANCIAL,
        "note": Category.FINANCIAL,
    }

    class Meta:
        ordering = ["entry", "starts_on"]
        indexes = [models.Index(fields=["entry", "starts_on"])]


class Job(BaseModel):
    """A job an employer in the org tree (an enterprise's or a 乡建公司's union) posts."""

    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("employer")
    )
    title = models.CharField(_("job title"), max_length=100)
    occupation = models.CharField(_("occupation code"), max_length=8)
    skills = models.JSONField(_("skills"), default=list, blank=True)  # further occupation codes
    place = models.CharField(_("place of work"), max_length=200, blank=True)
    place_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    wage_min = models.PositiveIntegerField(_("monthly wage from (yuan)"), null=True, blank=True)
    wage_max = models.PositiveIntegerField(_("monthly wage up to (yuan)"), null=True, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), default=1)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_level = models.CharField(
        _("minimum skill level"), max_length=10, choices=SkillLevel.choices, blank=True
    )
    certificate = models.CharField(_("required certificate"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.OPEN)
    live_session = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    NOT_PERSONAL = ("title", "place", "description")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return self.title


class Referral(BaseModel):
    """A registry person put forward for a job; `step` moves along TRANSITIONS, each step dated."""

    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="referrals")
    entry = models.ForeignKey(RegistryPerson, on_delete=models.PROTECT, related_name="referrals")
    step = models.CharField(max_length=12, choices=ReferralStep.choices, default=ReferralStep.REFERRED)
    channel = models.CharField(max_length=8, choices=ReferralChannel.choices, default=ReferralChannel.STAFF)
    referred_on = models.DateField()
    interviewed_on = models.DateField(null=True, blank=True)
    hired_on = models.DateField(null=True, blank=True)
    retained30_on = models.DateField(null=True, blank=True)
    retained90_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"note": Category.MEMBERSHIP, "step": Category.MEMBERSHIP}

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["job", "entry"], name="labour_referral_once")]


class ReferralEvent(BaseModel):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=12, choices=ReferralStep.choices)
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    PERSONAL_DATA = {"note": Category.MEMBERSHIP}

    class Meta:
        ordering = ["on", "created_at"]


class Team(BaseModel):
    """A service team (服务队) of a union, drawn from the registry, serving a 乡建公司 or enterprise."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    kind = models.CharField(_("team type"), max_length=16, choices=TeamType.choices)
    name = models.CharField(pgettext_lazy("team", "name"), max_length=100)
    leader = models.ForeignKey(
        RegistryPerson,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("leader"),
    )
    serves = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("serves"),
    )
    active = models.BooleanField(default=True)

    NOT_PERSONAL = ("name",)

    class Meta:
        ordering = ["org", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(BaseModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    entry = models.ForeignKey(RegistryPerson, on_delete=models.PROTECT, related_name="teams")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "entry"], condition=Q(left_on__isnull=True), name="labour_team_member_once"
            )
        ]


class Assignment(BaseModel):
    """A piece of work a team takes on: dates, client and pay per person-day."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(_("work"), max_length=200)
    client = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("client"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    day_pay = models.DecimalField(_("pay per person-day (yuan)"), max_digits=10, decimal_places=2, default=0)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-starts_on"]


class Attendance(BaseModel):
    """A team member's work day on an assignment; each one is a service-ledger row (LABOUR)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="attendance")
    entry = models.ForeignKey(RegistryPerson, on_delete=models.PROTECT, related_name="work_days")
    day = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"day": Category.MEMBERSHIP}

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "entry", "day"], name="labour_attendance_once")
        ]
